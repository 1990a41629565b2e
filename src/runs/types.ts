import type { AgentName } from "../agents/adapter";

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled", "timed_out"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled", "timed_out"]);

/**
 * `iterate` is an iterate request (no process of its own); `iteration` and `review` are its child runs;
 * `task` runs execute a task of the task engine.
 */
export const RUN_MODES = ["sync", "async", "conversation", "iterate", "iteration", "review", "summary", "task"] as const;
export type RunMode = (typeof RUN_MODES)[number];

export interface RunRecord {
  id: string;
  requestId: string;
  agent: AgentName;
  /** The model the request asked for; null = the agent CLI's default. */
  model: string | null;
  mode: RunMode;
  repository: string | null;
  branch: string | null;
  /** Create `branch` at HEAD when it exists nowhere. */
  createBranch: boolean;
  cwd: string;
  prompt: string;
  status: RunStatus;
  /** How the run ended: exited | timeout | idle | output_cap | cancelled | spawn_error | lost | interrupted | workspace | internal. */
  reason: string | null;
  exitCode: number | null;
  /** The agent's answer (its final result text, or plain stdout in text mode), bounded. */
  output: string | null;
  stderr: string | null;
  error: string | null;
  sessionId: string | null;
  conversationId: string | null;
  queueType: string | null;
  /** Callback URL with any secret query parameter removed. */
  callbackUrl: string | null;
  /** The callback's own secret (from its ?secret=); internal, never shown by the API. */
  callbackSecret: string | null;
  command: string[] | null;
  pid: number | null;
  /** The iterate run this run is an attempt or review of. */
  parentRunId: string | null;
  /** MCP servers selected for the run (null until selected). */
  mcpServers: string[] | null;
  eventCount: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

export interface NewRun {
  id: string;
  requestId: string;
  agent: AgentName;
  model?: string | null;
  mode: RunMode;
  repository?: string | null;
  branch?: string | null;
  createBranch?: boolean;
  cwd: string;
  prompt: string;
  conversationId?: string | null;
  queueType?: string | null;
  callbackUrl?: string | null;
  callbackSecret?: string | null;
  parentRunId?: string | null;
  /** The MCP selection to use; when absent the run service selects from the prompt. */
  mcpServers?: string[] | null;
}

export interface RunFinish {
  status: RunStatus;
  reason: string;
  exitCode: number | null;
  output: string | null;
  stderr: string | null;
  error: string | null;
}

/** Called once per run when it settles (conversation recording, callbacks). Errors are logged, never thrown. */
export interface RunHooks {
  /**
   * Readies the workspace once the run has its slot, before the agent starts (branch checkout,
   * workspace trust). Throwing fails the run with reason `workspace` and the error's message.
   * `note` adds a status event to the run's log.
   */
  prepare?(run: RunRecord, note: (detail: string) => void): Promise<void>;
  onStart?(run: RunRecord): Promise<void> | void;
  onFinish?(run: RunRecord): Promise<void> | void;
  /**
   * Queues the run's callback, if it has one (part of onFinish). Called on its own for a run whose
   * settler died between recording the result and queueing the callback. Idempotent per run.
   */
  callback?(run: RunRecord): Promise<void> | void;
}
