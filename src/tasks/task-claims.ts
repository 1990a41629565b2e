import type { Client } from "@libsql/client";
import { toTask } from "./task-row";
import type { TaskRecord } from "./types";

/** A task the processor may claim: ready, under the assistant's control, nobody holding it. */
const CLAIMABLE = `claimed_by IS NULL AND control = 'ASSISTANT'
  AND (status = 'PENDING' OR (status = 'RUNNING' AND resumed_at IS NOT NULL))
  AND (scheduled_for IS NULL OR scheduled_for <= ?)`;
/** Resumed work first, then URGENT → LOW, then first queued first (FIFO within a level). */
const CLAIM_ORDER = "(resumed_at IS NULL), resumed_at, priority_rank DESC, COALESCE(queued_at, created_at), created_at, id";

/**
 * The claim side of the task store: taking ready work, renewing leases, finding work whose holder
 * is gone. Kept apart from the row writes because this is where instances race each other.
 */
export function createTaskClaims(db: Client, now: () => string) {
  return {
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
  };
}
