import type { Client, InStatement, InValue, Row } from "@libsql/client";
import { createTaskClaims } from "./task-claims";
import { eventStatement } from "./task-events";
import { COLUMNS, type NewTask, type NewTaskFile, type TaskChanges, toTask } from "./task-row";
import { type ContentBlock, priorityRank, type TaskRecord, type TaskStatus } from "./types";

export { type NewTask, type NewTaskFile, type TaskChanges, toTask } from "./task-row";

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

    ...createTaskClaims(db, now),

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
