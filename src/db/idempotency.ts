import type { Client } from "@libsql/client";

export interface StoredAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type Reservation =
  | { kind: "reserved" }
  | { kind: "replay"; answer: StoredAnswer }
  | { kind: "in_progress"; since: string }
  | { kind: "mismatch" };

/**
 * The `idempotency_keys` table. `reserve` is one INSERT … ON CONFLICT DO NOTHING, so of two
 * instances receiving the same key at once exactly one gets to do the work; the other is told the
 * request is in progress (or, once it is done, gets the stored answer).
 */
export function createIdempotencyStore(db: Client, clock: () => Date = () => new Date()) {
  const now = () => clock().toISOString();
  return {
    async reserve(scope: string, key: string, fingerprint: string): Promise<Reservation> {
      const at = now();
      const inserted = await db.execute({
        sql: `INSERT INTO idempotency_keys (scope, key, fingerprint, status, created_at, updated_at)
              VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (scope, key) DO NOTHING`,
        args: [scope, key, fingerprint, at, at],
      });
      if (inserted.rowsAffected === 1) return { kind: "reserved" };
      const existing = (
        await db.execute({ sql: "SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?", args: [scope, key] })
      ).rows[0];
      if (!existing) return this.reserve(scope, key, fingerprint); // expired in between
      if (String(existing.fingerprint) !== fingerprint) return { kind: "mismatch" };
      if (existing.status === "pending") return { kind: "in_progress", since: String(existing.created_at) };
      return {
        kind: "replay",
        answer: {
          status: Number(existing.response_status),
          contentType: String(existing.response_type ?? "application/json"),
          body: String(existing.response_body ?? ""),
        },
      };
    },

    async complete(scope: string, key: string, answer: StoredAnswer): Promise<void> {
      await db.execute({
        sql: `UPDATE idempotency_keys SET status = 'done', response_status = ?, response_type = ?, response_body = ?, updated_at = ?
              WHERE scope = ? AND key = ?`,
        args: [answer.status, answer.contentType, answer.body, now(), scope, key],
      });
    },

    /** Forgets a reservation whose request started nothing (refused, or failed before any work). */
    async release(scope: string, key: string): Promise<void> {
      await db.execute({
        sql: "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status = 'pending'",
        args: [scope, key],
      });
    },

    /** Drops keys older than `before`. */
    async prune(before: Date): Promise<void> {
      await db.execute({ sql: "DELETE FROM idempotency_keys WHERE created_at < ?", args: [before.toISOString()] });
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
