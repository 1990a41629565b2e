/** The API's shapes as the UI reads them (see /openapi.json for the full reference). */

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
export const RUN_STATUSES: RunStatus[] = ["queued", "running", "succeeded", "failed", "cancelled", "timed_out"];
export const LIVE_STATUSES: ReadonlySet<string> = new Set(["queued", "running"]);

export interface RunSummary {
  id: string;
  requestId: string;
  agent: string;
  model: string | null;
  mode: string;
  repository: string | null;
  branch: string | null;
  cwd: string;
  prompt: string;
  status: RunStatus;
  reason: string | null;
  exitCode: number | null;
  error: string | null;
  sessionId: string | null;
  conversationId: string | null;
  queueType: string | null;
  callbackUrl: string | null;
  command: string[] | null;
  pid: number | null;
  parentRunId: string | null;
  mcpServers: string[] | null;
  eventCount: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  eventsUrl: string;
}

export interface Iteration {
  iteration: number;
  workerRunId: string | null;
  diagnosticRunId: string | null;
  reviewRunId: string | null;
  prompt: string;
  workerStatus: string | null;
  exitCode: number | null;
  verdict: { code_complete: boolean; break_iteration: boolean; justification: string; parsed: boolean } | null;
}

export interface Run extends RunSummary {
  output: string | null;
  stderr: string | null;
  iterations?: Iteration[];
}

export interface Pagination {
  total: number;
  limit: number;
  offset: number;
  hasMore: boolean;
}

export interface RunList {
  runs: RunSummary[];
  pagination: Pagination;
}

/** A normalized run event (src/agents/events.ts); `seq` is its SSE id. */
export type RunEvent = { seq: number; ts: string } & (
  | { type: "session"; sessionId: string; model?: string; cwd?: string }
  | { type: "message"; role: "assistant" | "user"; text: string }
  | { type: "thinking"; text: string }
  | { type: "tool_started"; callId: string; tool: string; input?: unknown }
  | { type: "tool_finished"; callId: string; tool: string; output?: unknown; isError?: boolean }
  | { type: "file_change"; path: string; kind: "add" | "update" | "delete"; callId?: string }
  | { type: "result"; isError: boolean; text: string; durationMs?: number; costUsd?: number }
  | { type: "stderr"; text: string }
  | { type: "status"; status: string; detail?: string }
);

export interface CallbackAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
}

export interface CallbackDelivery {
  id: string;
  runId: string | null;
  url: string;
  status: "pending" | "delivered" | "failed" | "skipped";
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attemptLog: CallbackAttempt[];
}

export interface ConversationMessage {
  role: "user" | "assistant";
  content: string;
  timestamp: string;
}

export interface Conversation {
  conversationId: string;
  messages: ConversationMessage[];
  summarizedMessages?: ConversationMessage[];
  createdAt: string;
  lastAccessedAt: string;
}

export interface RepositorySummary {
  name: string;
  branch: string | null;
  commit: string | null;
  dirty: boolean;
}

export interface GitStatus extends RepositorySummary {
  files: { path: string; status: "untracked" | "added" | "modified" | "deleted"; staged: boolean }[];
  filesTruncated: boolean;
}

export interface FileNode {
  name: string;
  path: string;
  type: "file" | "directory";
  children?: FileNode[];
  truncated?: boolean;
}

export interface Setting {
  name: string;
  value: 0 | 1;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

export interface Agent {
  name: string;
  default: boolean;
  command: string;
  setting: string;
  available: boolean;
  path?: string;
  version?: string;
  error?: string;
}

export interface QueueHealth {
  queue: { available: number; waiting: number; maxConcurrent: number; maxQueue: number };
  warning: string | null;
  cli: { command: string; available: boolean; path?: string; error?: string };
}

/** The task engine's enums (src/tasks/types.ts; Bytebot's values). */
export type TaskStatus = "PENDING" | "RUNNING" | "NEEDS_HELP" | "NEEDS_REVIEW" | "COMPLETED" | "CANCELLED" | "FAILED";
export const TASK_PRIORITIES = ["LOW", "MEDIUM", "HIGH", "URGENT"] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export type TaskRole = "USER" | "ASSISTANT";
export type TaskKind = "agent" | "desktop";
/** Statuses a task never leaves by itself (a message may still reopen a COMPLETED one). */
export const FINISHED_TASK_STATUSES: ReadonlySet<string> = new Set(["COMPLETED", "CANCELLED", "FAILED"]);

export interface TaskModel {
  provider: string;
  name: string;
  title: string;
  contextWindow?: number;
}

/** An entry of GET /tasks/models: send it (without `kind`) as `model` in POST /tasks. */
export interface TaskModelOption extends TaskModel {
  kind: TaskKind;
}

export interface Task {
  id: string;
  description: string;
  type: "IMMEDIATE" | "SCHEDULED";
  status: TaskStatus;
  priority: TaskPriority;
  control: TaskRole;
  createdBy: TaskRole;
  scheduledFor: string | null;
  executedAt: string | null;
  completedAt: string | null;
  queuedAt: string | null;
  error: string | null;
  result: unknown;
  model: TaskModel | null;
  kind: TaskKind;
  agent: string | null;
  modelName: string | null;
  repository: string | null;
  branchName: string | null;
  callbackUrl: string | null;
  runId: string | null;
  sessionId: string | null;
  attempts: number;
  interruptions: number;
  resumedAt: string | null;
  createdAt: string;
  updatedAt: string;
  eventsUrl: string;
}

export interface TaskFile {
  id: string;
  name: string;
  type: string;
  size: number;
  data: string;
  createdAt: string;
}

export interface TaskWithFiles extends Task {
  files: TaskFile[];
}

export interface TaskPage {
  tasks: Task[];
  total: number;
  totalPages: number;
}

/** Content blocks of a task message (Anthropic-style, spec/bytebot.md §1.5). */
export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "image"; source: { type: "base64"; media_type: string; data: string } }
  | { type: "document"; source: { type: "base64"; media_type: string; data: string }; name?: string; size?: number }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content: ContentBlock[]; is_error?: boolean }
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "user_action"; content: ContentBlock[] };

export interface TaskMessage {
  id: string;
  taskId: string;
  role: TaskRole;
  content: ContentBlock[];
  summaryId: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Set by the processed view on a user's action during takeover. */
  take_over?: boolean;
}

/** One group of GET /tasks/:id/messages/processed: consecutive messages of one role and takeover flag. */
export interface MessageGroup {
  role: TaskRole;
  messages: TaskMessage[];
  take_over: boolean;
}

/** A frame of the task WebSocket (`/tasks/ws`). */
export interface TaskFrame {
  type: "task.snapshot" | "tasks.subscribed" | "task.created" | "task.updated" | "task.message" | "task.deleted" | "error";
  taskId?: string;
  task?: Task;
  message?: TaskMessage;
  error?: string;
}

/** GET /desktop/status: the display, and whether the live view (VNC) can be had. */
export interface DesktopViewStatus {
  desktop: { enabled: boolean; available: boolean; display?: string; width?: number; height?: number; error?: string };
  vnc: { available: boolean; source?: "x11vnc" | "external"; reason?: string; viewers: number; maxViewers: number; path: string };
  screenshot: string;
}
