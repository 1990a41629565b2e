import type { Client, InStatement } from "@libsql/client";
import { createPollingFeed, type PollingFeed } from "../conversations/feed";

/** What changed: the task itself, a new message on it, or the task appeared or went away. */
export const TASK_EVENT_TYPES = ["task_created", "task_updated", "new_message", "task_deleted"] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

export interface TaskEvent {
  /** Position in the global log (SSE event id). */
  id: number;
  taskId: string;
  type: TaskEventType;
  /** Small details: `{reason}` for updates, `{messageId}` for messages. */
  data: Record<string, unknown>;
  createdAt: string;
}

const toEvent = (row: Record<string, unknown>): TaskEvent => ({
  id: Number(row.id),
  taskId: String(row.task_id),
  type: String(row.type) as TaskEventType,
  data: JSON.parse(String(row.data)) as Record<string, unknown>,
  createdAt: String(row.created_at),
});

/**
 * The statement that records an event, to put in the same write batch as the change: with
 * `ifChanged` it only records when the statement before it changed a row (SQLite `changes()`),
 * so a guarded UPDATE that matched nothing leaves no event behind.
 */
export function eventStatement(
  taskId: string,
  type: TaskEventType,
  data: Record<string, unknown> = {},
  options: { ifChanged?: boolean; at?: string } = {},
): InStatement {
  const at = options.at ?? new Date().toISOString();
  return {
    sql: `INSERT INTO task_events (task_id, type, data, created_at) SELECT ?, ?, ?, ?${options.ifChanged ? " WHERE changes() > 0" : ""}`,
    args: [taskId, type, JSON.stringify(data), at],
  };
}

/** Events kept; older ones are pruned (a follower that far behind re-reads the task instead). */
const RETENTION_MS = 24 * 3_600_000;
const PAGE = 200;

/**
 * The task change log (`task_events`) and its live feed. Every instance polls the log while
 * someone listens (SSE, WebSockets, its own processor), so a change made anywhere reaches every
 * follower; `kick()` polls at once after a local write, so followers here see it without waiting.
 *
 * @example
 * const log = createTaskEventLog(db, { pollMs: 250 });
 * const stop = log.subscribe((event) => console.log(event.type, event.taskId));
 */
export function createTaskEventLog(db: Client, options: { pollMs: number; onError?: (error: unknown) => void }) {
  const feed: PollingFeed<TaskEvent> = createPollingFeed<number, TaskEvent>(
    {
      head: async () => {
        const result = await db.execute("SELECT COALESCE(MAX(id), 0) AS id FROM task_events");
        return Number(result.rows[0]?.id ?? 0);
      },
      after: async (cursor) => {
        const result = await db.execute({
          sql: "SELECT * FROM task_events WHERE id > ? ORDER BY id LIMIT ?",
          args: [cursor, PAGE],
        });
        const changes = result.rows.map((row) => toEvent(row));
        return { changes, cursor: changes.at(-1)?.id ?? cursor, more: changes.length === PAGE };
      },
    },
    { intervalMs: options.pollMs, onError: options.onError },
  );

  return {
    /** Follows every task's changes from now on; `ready` resolves once following. */
    subscribe: (listener: (event: TaskEvent) => void) => feed.subscribe(listener),

    /** Polls now (after a local write), so followers here need not wait for the next tick. */
    kick: () => feed.kick(),

    /** A task's events after `afterId`, oldest first (SSE replay). */
    async read(taskId: string, afterId = 0, limit = 1000): Promise<TaskEvent[]> {
      const result = await db.execute({
        sql: "SELECT * FROM task_events WHERE task_id = ? AND id > ? ORDER BY id LIMIT ?",
        args: [taskId, afterId, limit],
      });
      return result.rows.map((row) => toEvent(row));
    },

    /** Drops events older than the retention period. */
    async prune(now = Date.now()): Promise<void> {
      await db.execute({
        sql: "DELETE FROM task_events WHERE created_at < ?",
        args: [new Date(now - RETENTION_MS).toISOString()],
      });
    },

    close: () => feed.close(),
  };
}

export type TaskEventLog = ReturnType<typeof createTaskEventLog>;
