import type { Client, Row } from "@libsql/client";
import { eventStatement } from "./task-events";
import type { ContentBlock, Role, TaskMessage } from "./types";

const toMessage = (row: Row | Record<string, unknown>): TaskMessage => ({
  id: String(row.id),
  taskId: String(row.task_id),
  role: String(row.role) as Role,
  content: JSON.parse(String(row.content)) as ContentBlock[],
  summaryId: row.summary_id == null ? null : String(row.summary_id),
  deliveredAt: row.delivered_at == null ? null : String(row.delivered_at),
  createdAt: String(row.created_at),
  updatedAt: String(row.updated_at),
});

/**
 * Messages of tasks (§1.5). Each insert records a `new_message` event in the same batch. Times
 * carry a per-process sequence so messages written in one millisecond keep their order.
 */
export function createTaskMessages(db: Client, clock: () => Date = () => new Date()) {
  let last = "";
  /** Strictly increasing ISO times from this process (a millisecond is bumped when it repeats). */
  const stamp = () => {
    let at = clock().toISOString();
    if (at <= last) at = new Date(Date.parse(last) + 1).toISOString();
    last = at;
    return at;
  };

  return {
    /** Stores a message; `delivered` false for a user message the assistant has not seen yet. */
    async add(taskId: string, role: Role, content: ContentBlock[], options: { delivered?: boolean } = {}): Promise<TaskMessage> {
      const at = stamp();
      const id = crypto.randomUUID();
      const delivered = options.delivered ?? true;
      const [inserted] = await db.batch(
        [
          {
            sql: `INSERT INTO task_messages (id, task_id, role, content, delivered_at, created_at, updated_at)
                  SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM agent_tasks WHERE id = ?) RETURNING *`,
            args: [id, taskId, role, JSON.stringify(content), delivered ? at : null, at, at, taskId],
          },
          eventStatement(taskId, "new_message", { messageId: id, role }, { ifChanged: true, at }),
        ],
        "write",
      );
      const row = inserted?.rows[0];
      if (!row) throw new Error(`Task ${taskId} no longer exists`);
      return toMessage(row);
    },

    get: async (id: string): Promise<TaskMessage | null> => {
      const result = await db.execute({ sql: "SELECT * FROM task_messages WHERE id = ?", args: [id] });
      const row = result.rows[0];
      return row ? toMessage(row) : null;
    },

    /** A page of a task's messages, oldest first. */
    async list(taskId: string, options: { limit: number; offset: number }): Promise<TaskMessage[]> {
      const result = await db.execute({
        sql: "SELECT * FROM task_messages WHERE task_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
        args: [taskId, options.limit, options.offset],
      });
      return result.rows.map((row) => toMessage(row));
    },

    /** Every message not folded into a summary yet, oldest first: the agent's context (B§3.2 step 3). */
    async unsummarized(taskId: string): Promise<TaskMessage[]> {
      const result = await db.execute({
        sql: "SELECT * FROM task_messages WHERE task_id = ? AND summary_id IS NULL ORDER BY created_at, id",
        args: [taskId],
      });
      return result.rows.map((row) => toMessage(row));
    },

    /** User messages the assistant has not been given, oldest first, marked delivered in the same write. */
    async takeUndelivered(taskId: string): Promise<TaskMessage[]> {
      const at = stamp();
      const result = await db.execute({
        sql: `UPDATE task_messages SET delivered_at = ?, updated_at = ? WHERE task_id = ? AND delivered_at IS NULL RETURNING *`,
        args: [at, at, taskId],
      });
      return result.rows.map((row) => toMessage(row)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    /** Whether a user message is waiting for the assistant. */
    async hasUndelivered(taskId: string): Promise<boolean> {
      const result = await db.execute({
        sql: "SELECT 1 FROM task_messages WHERE task_id = ? AND delivered_at IS NULL LIMIT 1",
        args: [taskId],
      });
      return result.rows.length > 0;
    },
  };
}

export type TaskMessages = ReturnType<typeof createTaskMessages>;

/** One group of the processed view (§1.5): consecutive messages with the same role and takeover flag. */
export interface MessageGroup {
  role: Role;
  messages: (TaskMessage & { take_over?: boolean })[];
  take_over: boolean;
}

/**
 * Bytebot's "processed" view: tool results read as the assistant's, user actions during takeover as
 * the assistant's computer tool calls flagged `take_over`, then consecutive messages grouped.
 */
export function processMessages(messages: TaskMessage[]): MessageGroup[] {
  const groups: MessageGroup[] = [];
  for (const message of messages) {
    let role = message.role;
    let content = message.content;
    let takeOver = false;
    if (message.role === "USER" && content.length > 0 && content.every((block) => block.type === "tool_result")) {
      role = "ASSISTANT";
    } else if (message.role === "USER" && content.length > 0 && content.every((block) => block.type === "user_action")) {
      role = "ASSISTANT";
      takeOver = true;
      content = content.flatMap((block) =>
        block.type === "user_action" ? block.content.filter((inner) => inner.type === "tool_use") : [],
      );
    }
    const processed = { ...message, role, content, ...(takeOver ? { take_over: true } : {}) };
    const previous = groups.at(-1);
    if (previous && previous.role === role && previous.take_over === takeOver) previous.messages.push(processed);
    else groups.push({ role, messages: [processed], take_over: takeOver });
  }
  return groups;
}
