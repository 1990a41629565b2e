import type { AgentName } from "../agents/adapter";

/** Bytebot's enums (spec/bytebot.md §1.1), exact values. */
export const TASK_STATUSES = ["PENDING", "RUNNING", "NEEDS_HELP", "NEEDS_REVIEW", "COMPLETED", "CANCELLED", "FAILED"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_TYPES = ["IMMEDIATE", "SCHEDULED"] as const;
export type TaskType = (typeof TASK_TYPES)[number];
/** Declaration order is rank order: URGENT (3) is claimed before LOW (0). */
export const TASK_PRIORITIES = ["LOW", "MEDIUM", "HIGH", "URGENT"] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const ROLES = ["USER", "ASSISTANT"] as const;
export type Role = (typeof ROLES)[number];
/** Ours: what drives a task — a coding-agent CLI run in a repository, or the desktop agent. */
export const TASK_KINDS = ["agent", "desktop"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Statuses a task never leaves by itself (a message may still reopen a COMPLETED one). */
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(["COMPLETED", "CANCELLED", "FAILED"]);

export const priorityRank = (priority: TaskPriority) => TASK_PRIORITIES.indexOf(priority);

/** `{provider, name, title, contextWindow?}` (§2.3); for agent tasks the provider is the agent. */
export interface TaskModel {
  provider: string;
  name: string;
  title: string;
  contextWindow?: number;
}

export interface TaskRecord {
  id: string;
  description: string;
  type: TaskType;
  status: TaskStatus;
  priority: TaskPriority;
  control: Role;
  createdBy: Role;
  scheduledFor: string | null;
  executedAt: string | null;
  completedAt: string | null;
  queuedAt: string | null;
  error: string | null;
  result: unknown;
  model: TaskModel | null;
  kind: TaskKind;
  agent: AgentName | null;
  modelName: string | null;
  repository: string | null;
  branchName: string | null;
  callbackUrl: string | null;
  /** The callback URL's own ?secret= (never shown by the API). */
  callbackSecret: string | null;
  runId: string | null;
  sessionId: string | null;
  /** Executions started. */
  attempts: number;
  /** Executions a crashed runner interrupted. */
  interruptions: number;
  resumedAt: string | null;
  claimedBy: string | null;
  heartbeatAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Content blocks (§1.5), Anthropic-style. */
export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "image"; source: { type: "base64"; media_type: string; data: string } }
  | { type: "document"; source: { type: "base64"; media_type: string; data: string }; name?: string; size?: number }
  /** `provider`: the model provider's metadata for the call (e.g. Gemini's thought signature), replayed with it. */
  | { type: "tool_use"; id: string; name: string; input: unknown; provider?: Record<string, Record<string, unknown>> }
  | { type: "tool_result"; tool_use_id: string; content: ContentBlock[]; is_error?: boolean }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "user_action"; content: ContentBlock[] };

export interface TaskMessage {
  id: string;
  taskId: string;
  role: Role;
  content: ContentBlock[];
  summaryId: string | null;
  /** Null for a user message the assistant has not been given yet. */
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TaskFile {
  id: string;
  taskId: string;
  name: string;
  type: string;
  size: number;
  data: Uint8Array;
  createdAt: string;
}

/** How one stretch of work on a claimed task ended, as its driver reports it. */
export type DriverOutcome =
  | { status: "completed"; result: unknown; runId?: string | null }
  | { status: "failed"; error: string; runId?: string | null }
  /** The assistant cannot go on without the user (the agent reported an error; the model asked). */
  | { status: "needs_help"; reason: string; runId?: string | null }
  /** Stopped from outside (cancel, takeover, abort, delete, shutdown): the engine knows why. */
  | { status: "stopped"; runId?: string | null }
  /** Could not start now (the execution queue is full): back in the queue, ahead of new work. */
  | { status: "deferred"; reason: string; runId?: string | null };

/** What a driver is given for one stretch of work. */
export interface DriverContext {
  /** Aborted when the work must stop (cancel, takeover, abort, delete, shutdown). */
  signal: AbortSignal;
  /** User messages not yet given to the assistant, oldest first; marks them delivered. */
  takeUndelivered(): Promise<TaskMessage[]>;
  /** Stores an assistant or tool message of this task (and publishes it). */
  addMessage(role: Role, content: ContentBlock[]): Promise<void>;
  /** Records the run doing the work, and the agent session to continue next time. */
  setRun(runId: string, sessionId?: string | null): Promise<void>;
  /** The task's attached files. */
  files(): Promise<TaskFile[]>;
}

/** Executes tasks of one kind. */
export interface TaskDriver {
  kind: TaskKind;
  /** Why this driver cannot run now (e.g. the agent CLI is missing), or null. Checked at claim time. */
  unavailable?(task: TaskRecord): Promise<string | null>;
  run(task: TaskRecord, context: DriverContext): Promise<DriverOutcome>;
}
