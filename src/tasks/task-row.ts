import type { Row } from "@libsql/client";
import type { AgentName } from "../agents/adapter";
import type { Role, TaskKind, TaskModel, TaskPriority, TaskRecord, TaskStatus, TaskType } from "./types";

/** How an `agent_tasks` row maps to a TaskRecord and back: the one place that knows the column names. */

const str = (value: unknown) => (value == null ? null : String(value));
const json = (value: unknown) => (value == null ? null : JSON.parse(String(value)));

export const toTask = (row: Row | Record<string, unknown>): TaskRecord => ({
  id: String(row.id),
  description: String(row.description),
  type: String(row.type) as TaskType,
  status: String(row.status) as TaskStatus,
  priority: String(row.priority) as TaskPriority,
  control: String(row.control) as Role,
  createdBy: String(row.created_by) as Role,
  scheduledFor: str(row.scheduled_for),
  executedAt: str(row.executed_at),
  completedAt: str(row.completed_at),
  queuedAt: str(row.queued_at),
  error: str(row.error),
  result: json(row.result),
  model: json(row.model) as TaskModel | null,
  kind: String(row.kind) as TaskKind,
  agent: str(row.agent) as AgentName | null,
  modelName: str(row.model_name),
  repository: str(row.repository),
  branchName: str(row.branch_name),
  callbackUrl: str(row.callback_url),
  callbackSecret: str(row.callback_secret),
  runId: str(row.run_id),
  sessionId: str(row.session_id),
  attempts: Number(row.attempts ?? 0),
  interruptions: Number(row.interruptions ?? 0),
  resumedAt: str(row.resumed_at),
  claimedBy: str(row.claimed_by),
  heartbeatAt: str(row.heartbeat_at),
  createdAt: String(row.created_at),
  updatedAt: String(row.updated_at),
});

/** What creating a task writes: the fields of a task a caller chooses. */
export type NewTask = Pick<
  TaskRecord,
  | "id"
  | "description"
  | "type"
  | "priority"
  | "createdBy"
  | "scheduledFor"
  | "model"
  | "kind"
  | "agent"
  | "modelName"
  | "repository"
  | "branchName"
  | "callbackUrl"
  | "callbackSecret"
>;

export interface NewTaskFile {
  name: string;
  type: string;
  data: Uint8Array;
}

/** The fields a transition may set. `null` clears a field; absent fields are left alone. */
export interface TaskChanges {
  status?: TaskStatus;
  control?: Role;
  error?: string | null;
  result?: unknown;
  completedAt?: string | null;
  resumedAt?: string | null;
  claimedBy?: string | null;
  runId?: string | null;
  sessionId?: string | null;
  interruptions?: number;
}

export const COLUMNS: Record<keyof TaskChanges, string> = {
  status: "status",
  control: "control",
  error: "error",
  result: "result",
  completedAt: "completed_at",
  resumedAt: "resumed_at",
  claimedBy: "claimed_by",
  runId: "run_id",
  sessionId: "session_id",
  interruptions: "interruptions",
};
