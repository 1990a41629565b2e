import type { Client } from "@libsql/client";

/** A summary of a stretch of a task's conversation (B§1.6). */
export interface TaskSummary {
  id: string;
  taskId: string;
  content: string;
  parentId: string | null;
  createdAt: string;
}

/**
 * The `task_summaries` table (migration 0050). Writing a summary and folding the messages it covers
 * into it (their `summary_id`) is one batch, so a crash never leaves half a summary.
 */
export function createTaskSummaries(db: Client, clock: () => Date = () => new Date()) {
  return {
    /** The newest summary of a task: the only one the agent uses (B§1.6). */
    async latest(taskId: string): Promise<TaskSummary | null> {
      const result = await db.execute({
        sql: "SELECT * FROM task_summaries WHERE task_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        args: [taskId],
      });
      const row = result.rows[0];
      if (!row) return null;
      return {
        id: String(row.id),
        taskId: String(row.task_id),
        content: String(row.content),
        parentId: row.parent_id == null ? null : String(row.parent_id),
        createdAt: String(row.created_at),
      };
    },

    /** Stores a summary that covers `messageIds` (and the summary before it, `parentId`). */
    async add(taskId: string, content: string, messageIds: string[], parentId: string | null): Promise<TaskSummary> {
      const id = crypto.randomUUID();
      const at = clock().toISOString();
      await db.batch(
        [
          {
            sql: "INSERT INTO task_summaries (id, task_id, content, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            args: [id, taskId, content, parentId, at, at],
          },
          ...messageIds.map((messageId) => ({
            sql: "UPDATE task_messages SET summary_id = ?, updated_at = ? WHERE id = ? AND task_id = ?",
            args: [id, at, messageId, taskId],
          })),
        ],
        "write",
      );
      return { id, taskId, content, parentId, createdAt: at };
    },
  };
}

export type TaskSummaries = ReturnType<typeof createTaskSummaries>;
