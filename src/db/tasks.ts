import type { Client, InValue } from "@libsql/client";

/** §9.4: 0 ready, 1 complete, 2 archived, 3 backlogged, 4 in_progress. */
export const TASK_STATUS_LABELS = ["ready", "complete", "archived", "backlogged", "in_progress"] as const;
export type TaskStatusLabel = (typeof TASK_STATUS_LABELS)[number] | "unknown";

export interface Task {
  id: number;
  prompt: string;
  status: number;
  status_label: TaskStatusLabel;
  createdat: string;
  updatedat: string;
  order: number;
  uuid: string | null;
}

export interface TaskChanges {
  prompt?: string;
  status?: number;
  order?: number;
}

export const statusLabel = (status: number): TaskStatusLabel => TASK_STATUS_LABELS[status] ?? "unknown";

const toTask = (row: Record<string, unknown>): Task => {
  const status = Number(row.status);
  return {
    id: Number(row.id),
    prompt: String(row.prompt),
    status,
    status_label: statusLabel(status),
    createdat: String(row.createdat),
    updatedat: String(row.updatedat),
    order: Number(row.order),
    uuid: row.uuid == null ? null : String(row.uuid),
  };
};

/** The tasks table (§9.4), ordered by `"order"` then `id` everywhere a list is returned. */
export function createTasks(db: Client, newId: () => string = () => crypto.randomUUID()) {
  const byId = async (id: number): Promise<Task | null> => {
    const result = await db.execute({ sql: "SELECT * FROM tasks WHERE id = ?", args: [id] });
    const row = result.rows[0];
    return row ? toTask(row) : null;
  };

  return {
    async list(status?: number): Promise<Task[]> {
      const result =
        status === undefined
          ? await db.execute('SELECT * FROM tasks ORDER BY "order" ASC, id ASC')
          : await db.execute({ sql: 'SELECT * FROM tasks WHERE status = ? ORDER BY "order" ASC, id ASC', args: [status] });
      return result.rows.map((row) => toTask(row));
    },

    get: byId,

    /** Creates a task with app-generated ISO timestamps and a fresh uuid. */
    async create(input: { prompt: string; order?: number; status?: number }): Promise<Task> {
      const now = new Date().toISOString();
      const result = await db.execute({
        sql: 'INSERT INTO tasks (prompt, "order", status, createdat, updatedat, uuid) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
        args: [input.prompt, input.order ?? 0, input.status ?? 0, now, now, newId()],
      });
      return toTask(result.rows[0] as Record<string, unknown>);
    },

    /** Updates the given fields; with nothing to change the task is returned untouched. */
    async update(id: number, changes: TaskChanges): Promise<Task | null> {
      const sets: string[] = [];
      const args: InValue[] = [];
      if (changes.prompt !== undefined) sets.push("prompt = ?") && args.push(changes.prompt);
      if (changes.status !== undefined) sets.push("status = ?") && args.push(changes.status);
      if (changes.order !== undefined) sets.push('"order" = ?') && args.push(changes.order);
      if (sets.length === 0) return byId(id);
      sets.push("updatedat = ?");
      args.push(new Date().toISOString(), id);
      const result = await db.execute({ sql: `UPDATE tasks SET ${sets.join(", ")} WHERE id = ? RETURNING *`, args });
      const row = result.rows[0];
      return row ? toTask(row) : null;
    },

    async remove(id: number): Promise<boolean> {
      const result = await db.execute({ sql: "DELETE FROM tasks WHERE id = ?", args: [id] });
      return result.rowsAffected > 0;
    },
  };
}

export type Tasks = ReturnType<typeof createTasks>;
