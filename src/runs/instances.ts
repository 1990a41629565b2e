import type { Client } from "@libsql/client";

/** What identifies a runner process on its machine (src/node/instance-probe.ts reads it). */
export interface InstanceIdentity {
  host: string;
  /** The kernel's boot id, when the OS has one. */
  bootId: string | null;
  pid: number | null;
  /** The process's start time as the OS reports it (tells a reused pid apart). */
  processStart: string | null;
}

/**
 * Answers about processes on this machine. Node passes one in; runtimes without processes
 * (Workers) have none, and their crashed runs wait for the stale sweep.
 */
export interface InstanceProbe {
  identity(): InstanceIdentity;
  /** Whether the instance with this identity certainly no longer runs. False when unsure. */
  isGone(other: InstanceIdentity): boolean;
}

interface InstanceRow extends InstanceIdentity {
  id: string;
}

/**
 * The `instances` table: one row per runner start. It lets a restarted runner find its own dead
 * predecessors on the same host and close their runs at once (see RunMaintenance.recoverOnStart).
 */
export function createInstanceRegistry(db: Client, clock: () => Date = () => new Date()) {
  const now = () => clock().toISOString();
  return {
    async register(id: string, identity: InstanceIdentity): Promise<void> {
      const ts = now();
      await db.execute({
        sql: `INSERT INTO instances (id, host, boot_id, pid, process_start, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = NULL`,
        args: [id, identity.host, identity.bootId, identity.pid, identity.processStart, ts, ts],
      });
    },

    heartbeat: async (id: string) => {
      await db.execute({ sql: "UPDATE instances SET heartbeat_at = ? WHERE id = ?", args: [now(), id] });
    },

    markStopped: async (ids: string[]) => {
      if (ids.length === 0) return;
      await db.execute({
        sql: `UPDATE instances SET stopped_at = ? WHERE id IN (${ids.map(() => "?").join(",")}) AND stopped_at IS NULL`,
        args: [now(), ...ids],
      });
    },

    /** Instances on `host` not known to have stopped, other than `selfId`. */
    async others(selfId: string, host: string): Promise<InstanceRow[]> {
      const result = await db.execute({
        sql: "SELECT id, host, boot_id, pid, process_start FROM instances WHERE host = ? AND stopped_at IS NULL AND id != ?",
        args: [host, selfId],
      });
      return result.rows.map((row) => ({
        id: String(row.id),
        host: String(row.host),
        bootId: row.boot_id == null ? null : String(row.boot_id),
        pid: row.pid == null ? null : Number(row.pid),
        processStart: row.process_start == null ? null : String(row.process_start),
      }));
    },

    /** Forgets instances that stopped (or last heart-beat) before `before`. */
    prune: async (before: Date) => {
      await db.execute({
        sql: "DELETE FROM instances WHERE COALESCE(stopped_at, heartbeat_at) < ?",
        args: [before.toISOString()],
      });
    },
  };
}

export type InstanceRegistry = ReturnType<typeof createInstanceRegistry>;
