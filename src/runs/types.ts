import type { AgentName } from "../agents/adapter";

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled", "timed_out"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled", "timed_out"]);

export type RunMode = "sync" | "async" | "conversation";

export interface RunRecord {
  id: string;
  requestId: string;
  agent: AgentName;
  mode: RunMode;
  repository: string | null;
  branch: string | null;
  /** Create `branch` at HEAD when it exists nowhere. */
  createBranch: boolean;
  cwd: string;
  prompt: string;
  status: RunStatus;
  /** How the process ended: exited | timeout | idle | output_cap | cancelled | spawn_error | interrupted. */
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
}

export interface RunFinish {
  status: RunStatus;
  reason: string;
  exitCode: number | null;
  output: string | null;
  stderr: string | null;
  error: string | null;
}
