import type { Client, InStatement, InValue, Row } from "@libsql/client";
import type { AgentName } from "../agents/adapter";
import { eventStatement } from "./task-events";
import {
  type ContentBlock,
  priorityRank,
  type Role,
  type TaskKind,
  type TaskModel,
  type TaskPriority,
  type TaskRecord,
  type TaskStatus,
  type TaskType,
} from "./types";

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

export interface NewTask {
  id: string;
  description: string;
  type: TaskType;
  priority: TaskPriority;
  createdBy: Role;
  scheduledFor: string | null;
  model: TaskModel | null;
  kind: TaskKind;
  agent: AgentName | null;
  modelName: string | null;
  repository: string | null;
  branchName: string | null;
  callbackUrl: string | null;
  callbackSecret: string | null;
}

export interface NewTaskFile {
  name: string;
  type: string;
  data: Uint8Array;
}

/** A task the processor may claim: ready, under the assistant's control, nobody holding it. */
const CLAIMABLE = `claimed_by IS NULL AND control = 'ASSISTANT'
  AND (status = 'PENDING' OR (status = 'RUNNING' AND resumed_at IS NOT NULL))
  AND (scheduled_for IS NULL OR scheduled_for <= ?)`;
/** Resumed work first, then URGENT → LOW, then first queued first (FIFO within a level). */
const CLAIM_ORDER = "(resumed_at IS NULL), resumed_at, priority_rank DESC, COALESCE(queued_at, created_at), created_at, id";

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

const COLUMNS: Record<keyof TaskChanges, string> = {
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

/**
 * The `agent_tasks` table. Every change is one guarded UPDATE (`WHERE` says which state it moves
 * from) written in the same batch as its `task_events` row, so concurrent instances never apply a
 * transition twice and the live feed never misses one.
 */
export function createTaskStore(db: Client, clock: () => Date = () => new Date()) {
  const now = () => clock().toISOString();

  const get = async (id: string): Promise<TaskRecord | null> => {
    const result = await db.execute({ sql: "SELECT * FROM agent_tasks WHERE id = ?", args: [id] });
    const row = result.rows[0];
    return row ? toTask(row) : null;
  };

  /**
   * Applies `changes` where `guard` (SQL over the row, with `guardArgs`) holds; records an event
   * `task_updated {reason}` if it did. Returns the updated task, or null when the guard failed.
   */
  const transition = async (
    id: string,
    changes: TaskChanges,
    guard: string,
    guardArgs: InValue[],
    reason: string,
  ): Promise<TaskRecord | null> => {
    const at = now();
    const sets = ["updated_at = ?"];
    const args: InValue[] = [at];
    for (const [key, value] of Object.entries(changes) as [keyof TaskChanges, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${COLUMNS[key]} = ?`);
      args.push(key === "result" ? (value == null ? null : JSON.stringify(value)) : (value as InValue));
    }
    const [updated] = await db.batch(
      [
        {
          sql: `UPDATE agent_tasks SET ${sets.join(", ")} WHERE id = ? AND (${guard}) RETURNING *`,
          args: [...args, id, ...guardArgs],
        },
        eventStatement(id, "task_updated", { reason }, { ifChanged: true, at }),
      ],
      "write",
    );
    const row = updated?.rows[0];
    return row ? toTask(row) : null;
  };

  return {
    get,
    transition,

    /** Inserts the task, its files and its first USER message in one batch. */
    async create(task: NewTask, files: NewTaskFile[], firstMessage: ContentBlock[]): Promise<TaskRecord> {
      const at = now();
      const statements: InStatement[] = [
        {
          sql: `INSERT INTO agent_tasks (id, description, type, status, priority, priority_rank, control, created_by, scheduled_for,
                  queued_at, model, kind, agent, model_name, repository, branch_name, callback_url, callback_secret, created_at, updated_at)
                VALUES (?, ?, ?, 'PENDING', ?, ?, 'ASSISTANT', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          args: [
            task.id,
            task.description,
            task.type,
            task.priority,
            priorityRank(task.priority),
            task.createdBy,
            task.scheduledFor,
            // An immediate task is queued now; a scheduled one when its time comes (stamped by the processor).
            task.type === "IMMEDIATE" ? at : null,
            task.model ? JSON.stringify(task.model) : null,
            task.kind,
            task.agent,
            task.modelName,
            task.repository,
            task.branchName,
            task.callbackUrl,
            task.callbackSecret,
            at,
            at,
          ],
        },
        ...files.map((file) => ({
          sql: "INSERT INTO task_files (id, task_id, name, type, size, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          args: [crypto.randomUUID(), task.id, file.name, file.type, file.data.byteLength, file.data, at, at],
        })),
        {
          sql: `INSERT INTO task_messages (id, task_id, role, content, delivered_at, created_at, updated_at)
                VALUES (?, ?, 'USER', ?, ?, ?, ?)`,
          // The description is what the assistant starts from: it counts as delivered.
          args: [crypto.randomUUID(), task.id, JSON.stringify(firstMessage), at, at, at],
        },
        eventStatement(task.id, "task_created", {}, { at }),
        { sql: "SELECT * FROM agent_tasks WHERE id = ?", args: [task.id] },
      ];
      const results = await db.batch(statements, "write");
      return toTask(results.at(-1)?.rows[0] as Row);
    },

    /** One page, newest first; `statuses` empty = all. */
    async list(options: { statuses: TaskStatus[]; limit: number; offset: number }) {
      const where = options.statuses.length ? `WHERE status IN (${options.statuses.map(() => "?").join(",")})` : "";
      const [page, count] = await db.batch(
        [
          {
            sql: `SELECT * FROM agent_tasks ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
            args: [...options.statuses, options.limit, options.offset],
          },
          { sql: `SELECT COUNT(*) AS n FROM agent_tasks ${where}`, args: options.statuses },
        ],
        "read",
      );
      return { tasks: (page?.rows ?? []).map((row) => toTask(row)), total: Number(count?.rows[0]?.n ?? 0) };
    },

    /**
     * Claims the next ready task for `instanceId` in one atomic UPDATE (the inner SELECT picks it,
     * the outer WHERE re-checks it), so instances racing for it cannot both get it; or a given one
     * (`taskId`), optionally before its scheduled time.
     * Also stamps `queuedAt` on scheduled tasks whose time has come.
     */
    async claim(instanceId: string, options: { taskId?: string; ignoreSchedule?: boolean } = {}): Promise<TaskRecord | null> {
      const at = now();
      const due = options.ignoreSchedule ? "9999-12-31T23:59:59.999Z" : at;
      const pick = options.taskId
        ? { sql: "?", args: [options.taskId] }
        : { sql: `(SELECT id FROM agent_tasks WHERE ${CLAIMABLE} ORDER BY ${CLAIM_ORDER} LIMIT 1)`, args: [due] };
      const [, claimed] = await db.batch(
        [
          {
            sql: `UPDATE agent_tasks SET queued_at = scheduled_for, updated_at = ?
                  WHERE type = 'SCHEDULED' AND queued_at IS NULL AND scheduled_for <= ? AND status = 'PENDING'`,
            args: [at, at],
          },
          {
            sql: `UPDATE agent_tasks SET status = 'RUNNING', executed_at = ?, claimed_by = ?, heartbeat_at = ?,
                    attempts = attempts + 1, updated_at = ?
                  WHERE id = ${pick.sql} AND ${CLAIMABLE} RETURNING *`,
            args: [at, instanceId, at, at, ...pick.args, due],
          },
          {
            // The row just claimed: held by this instance, started at this very moment.
            sql: `INSERT INTO task_events (task_id, type, data, created_at)
                  SELECT id, 'task_updated', '{"reason":"claimed"}', ? FROM agent_tasks
                  WHERE changes() > 0 AND claimed_by = ? AND executed_at = ?`,
            args: [at, instanceId, at],
          },
        ],
        "write",
      );
      const row = claimed?.rows[0];
      return row ? toTask(row) : null;
    },

    /**
     * Renews the lease on `ids` held by `instanceId`; returns the tasks among them this instance no
     * longer holds as running under the assistant (cancelled, taken over, deleted, taken by another).
     */
    async heartbeat(instanceId: string, ids: string[]): Promise<string[]> {
      if (ids.length === 0) return [];
      const marks = ids.map(() => "?").join(",");
      const [, held] = await db.batch(
        [
          {
            sql: `UPDATE agent_tasks SET heartbeat_at = ? WHERE id IN (${marks}) AND claimed_by = ?`,
            args: [now(), ...ids, instanceId],
          },
          {
            sql: `SELECT id FROM agent_tasks WHERE id IN (${marks}) AND claimed_by = ? AND status = 'RUNNING' AND control = 'ASSISTANT'`,
            args: [...ids, instanceId],
          },
        ],
        "write",
      );
      const still = new Set((held?.rows ?? []).map((row) => String(row.id)));
      return ids.filter((id) => !still.has(id));
    },

    /**
     * Claimed tasks whose holder is gone: it stopped heart-beating before `staleBefore`, or it is an
     * instance recorded as stopped (a clean shutdown, or a crash its successor recognised).
     */
    async abandoned(selfId: string, staleBefore: Date): Promise<TaskRecord[]> {
      const result = await db.execute({
        sql: `SELECT * FROM agent_tasks WHERE claimed_by IS NOT NULL AND claimed_by != ?
                AND (heartbeat_at < ? OR claimed_by IN (SELECT id FROM instances WHERE stopped_at IS NOT NULL))
              ORDER BY heartbeat_at LIMIT 100`,
        args: [selfId, staleBefore.toISOString()],
      });
      return result.rows.map((row) => toTask(row));
    },

    /** Deletes the task with its messages, files, summaries; records `task_deleted`. */
    async remove(id: string): Promise<boolean> {
      const [deleted] = await db.batch(
        [
          { sql: "DELETE FROM agent_tasks WHERE id = ?", args: [id] },
          eventStatement(id, "task_deleted", {}, { ifChanged: true }),
          { sql: "DELETE FROM task_messages WHERE task_id = ?", args: [id] },
          { sql: "DELETE FROM task_files WHERE task_id = ?", args: [id] },
          { sql: "DELETE FROM task_summaries WHERE task_id = ?", args: [id] },
        ],
        "write",
      );
      return (deleted?.rowsAffected ?? 0) > 0;
    },
  };
}

export type TaskStore = ReturnType<typeof createTaskStore>;
