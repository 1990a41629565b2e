/** Iterate mode (§6): options, the review verdict and the record of each attempt. */
import type { AgentName } from "../../agents/adapter";

/** An executable definition of done: run in the repository; exit 0 means done. */
export interface DoneWhen {
  command: string;
  args: string[];
  timeoutMs?: number;
}

export interface IterateOptions {
  maxIterations: number;
  /** Budget for the whole loop, all attempts and reviews included. */
  maxDurationMs: number;
  /** Limit on one worker attempt (default CURSOR_CLI_ITERATE_TIMEOUT). */
  iterationTimeoutMs?: number;
  reviewAgent: AgentName;
  definitionOfDone: string;
  /** Where the definition of done came from: request | prompt | file:<path> | .cursorrules | default. */
  definitionOfDoneSource: string;
  doneWhen?: DoneWhen;
  /** Also require the work to be pushed (§6.4 git completion check). */
  requirePush: boolean;
}

/** §6.3's verdict. `parsed: false` is the circuit breaker for output that held no verdict. */
export interface Verdict {
  code_complete: boolean;
  break_iteration: boolean;
  justification: string;
  continuationPrompt?: string;
  parsed: boolean;
}

export interface DodResult {
  command: string;
  args: string[];
  passed: boolean;
  exitCode: number | null;
  /** The end of stdout and stderr, bounded. */
  output: string;
  error?: string;
}

export interface PushResult {
  isComplete: boolean;
  reason: string;
  hasPullRequest: boolean;
  hasPushedCommits: boolean;
}

export const ITERATION_OUTCOMES = [
  "continue",
  "completed",
  "break_iteration",
  "review_unparseable",
  "review_failed",
  "max_iterations",
  "max_duration",
  "worker_failed",
  "cancelled",
] as const;
export type IterationOutcome = (typeof ITERATION_OUTCOMES)[number];

export interface IterationRecord {
  iteration: number;
  workerRunId: string | null;
  /** The one diagnostic attempt after a silent hang (§6.2 step 5), when it ran in this iteration. */
  diagnosticRunId: string | null;
  reviewRunId: string | null;
  /** The prompt sent to the worker (with conversation context). */
  prompt: string;
  workerStatus: string | null;
  exitCode: number | null;
  verdict: Verdict | null;
  dodResult: DodResult | null;
  pushResult: PushResult | null;
  outcome: IterationOutcome | null;
  startedAt: string;
  finishedAt: string | null;
}
