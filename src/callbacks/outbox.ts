import type { Client, InStatement } from "@libsql/client";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from "./backoff";
import { type Row, toAttempt, toClaimed, toDelivery } from "./rows";
import type { AttemptOutcome, AttemptRecord, ClaimedDelivery, Delivery, EnqueueInput } from "./types";
import { splitSecret } from "./urls";

export interface OutboxOptions {
  retry?: RetryPolicy;
  /** Clock in milliseconds; tests may move it. */
  now?: () => number;
  random?: () => number;
  newId?: () => string;
}

export interface ListFilter {
  runId?: string | undefined;
  requestId?: string | undefined;
  /** At most this many deliveries, oldest first (default 100). */
  limit?: number;
}

/**
 * The callback outbox (`callback_deliveries` + `callback_attempts`). Work is handed out by an atomic
 * lease: one `UPDATE … WHERE claimed_until IS NULL OR claimed_until < now … RETURNING`, so any number of
 * instances sharing the database can poll it and each delivery is held by one of them at a time. A
 * lease that outlives its holder (a crash) simply expires and the delivery is picked up again.
 *
 * @example
 * const outbox = createOutbox(db, { retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5 } });
 * const delivery = await outbox.enqueue({ runId, requestId, url: "https://app/cb?secret=s", payload: body });
 * const [claimed] = await outbox.claimDue({ instanceId: "a", limit: 1, leaseMs: 60_000 });
 */
export function createOutbox(db: Client, options: OutboxOptions = {}) {
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const iso = (ms = now()) => new Date(ms).toISOString();

  const get = async (id: string): Promise<Delivery | null> => {
    const result = await db.execute({ sql: "SELECT * FROM callback_deliveries WHERE id = ?", args: [id] });
    const row = result.rows[0];
    return row ? toDelivery(row) : null;
  };

  const listAttempts = async (deliveryIds: string[]): Promise<AttemptRecord[]> => {
    if (deliveryIds.length === 0) return [];
    const result = await db.execute({
      sql: `SELECT * FROM callback_attempts WHERE delivery_id IN (${deliveryIds.map(() => "?").join(", ")})
            ORDER BY delivery_id, attempt, started_at`,
      args: deliveryIds,
    });
    return result.rows.map((row) => toAttempt(row));
  };

  return {
    retryPolicy: retry,

    /**
     * Stores a pending delivery, due now; with a `dedupeKey` already used, returns that delivery
     * instead. Throws CallbackUrlError for a URL that is not http(s).
     */
    async enqueue(input: EnqueueInput): Promise<Delivery> {
      const { url, secret } = splitSecret(input.url);
      const payload = JSON.stringify(input.payload);
      if (payload === undefined) throw new TypeError("Callback payload must be JSON-serialisable");
      const at = iso();
      const result = await db.execute({
        sql: `INSERT INTO callback_deliveries
                (id, run_id, request_id, url, secret, payload, status, attempts, max_attempts, next_attempt_at, created_at, updated_at,
                 dedupe_key)
              VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)
              ON CONFLICT (dedupe_key) DO NOTHING RETURNING *`,
        args: [
          newId(),
          input.runId ?? null,
          input.requestId ?? null,
          url,
          secret ?? null,
          payload,
          retry.maxAttempts,
          at,
          at,
          at,
          input.dedupeKey ?? null,
        ],
      });
      const created = result.rows[0];
      if (created) return toDelivery(created);
      const existing = await db.execute({
        sql: "SELECT * FROM callback_deliveries WHERE dedupe_key = ?",
        args: [input.dedupeKey ?? null],
      });
      return toDelivery(existing.rows[0] as Row);
    },

    /**
     * Leases up to `limit` due deliveries to `instanceId` for `leaseMs`. The inner SELECT picks
     * candidates; the outer WHERE re-checks the lease inside the same write, so two instances racing
     * for one row cannot both get it.
     */
    async claimDue({
      instanceId,
      limit,
      leaseMs,
    }: {
      instanceId: string;
      limit: number;
      leaseMs: number;
    }): Promise<ClaimedDelivery[]> {
      if (limit <= 0) return [];
      const at = iso();
      const free = "status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)";
      const result = await db.execute({
        sql: `UPDATE callback_deliveries SET claimed_by = ?, claimed_until = ?, updated_at = ?
              WHERE id IN (SELECT id FROM callback_deliveries WHERE ${free} ORDER BY next_attempt_at LIMIT ?) AND ${free}
              RETURNING *`,
        args: [instanceId, iso(now() + leaseMs), at, at, at, limit, at, at],
      });
      return result.rows.map((row) => toClaimed(row));
    },

    /**
     * Records one attempt and moves the delivery on: delivered; pending again after a backoff; failed
     * once its attempts are spent; or skipped. Releases the lease. Returns null when the lease had
     * already passed to someone else (the attempt is still recorded, as it did happen).
     */
    async finishAttempt(claimed: ClaimedDelivery, outcome: AttemptOutcome, instanceId: string): Promise<Delivery | null> {
      const at = iso();
      const mine = "WHERE id = ? AND claimed_by = ? RETURNING *";
      const release = "claimed_by = NULL, claimed_until = NULL, updated_at = ?";
      const statements: InStatement[] = [];
      if (outcome.kind === "skipped") {
        statements.push({
          sql: `UPDATE callback_deliveries SET status = 'skipped', last_error = ?, ${release} ${mine}`,
          args: [outcome.reason, at, claimed.id, instanceId],
        });
      } else {
        const attempt = claimed.attempts + 1;
        statements.push({
          sql: `INSERT INTO callback_attempts (id, delivery_id, attempt, started_at, duration_ms, http_status, error)
                VALUES (?, ?, ?, ?, ?, ?, ?)`,
          args: [
            newId(),
            claimed.id,
            attempt,
            outcome.startedAt,
            Math.round(outcome.durationMs),
            outcome.httpStatus ?? null,
            outcome.kind === "failed" ? outcome.error : null,
          ],
        });
        statements.push(
          outcome.kind === "delivered"
            ? {
                sql: `UPDATE callback_deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL,
                        delivered_at = ?, ${release} ${mine}`,
                args: [at, at, claimed.id, instanceId],
              }
            : {
                // Compared in SQL so a redelivery granted meanwhile (a raised max_attempts) is honoured.
                sql: `UPDATE callback_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
                        status = CASE WHEN attempts + 1 >= max_attempts THEN 'failed' ELSE 'pending' END, ${release} ${mine}`,
                args: [outcome.error, iso(now() + retryDelay(attempt, retry, random)), at, claimed.id, instanceId],
              },
        );
      }
      const results = await db.batch(statements, "write");
      const row = results[results.length - 1]?.rows[0];
      return row ? toDelivery(row) : null;
    },

    get,

    /** Deliveries of a run (or request), oldest first, each with its attempts. */
    async list(filter: ListFilter): Promise<(Delivery & { attemptLog: AttemptRecord[] })[]> {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (filter.runId !== undefined) where.push("run_id = ?") && args.push(filter.runId);
      if (filter.requestId !== undefined) where.push("request_id = ?") && args.push(filter.requestId);
      args.push(filter.limit ?? 100);
      const result = await db.execute({
        sql: `SELECT * FROM callback_deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
              ORDER BY created_at, rowid LIMIT ?`,
        args,
      });
      const deliveries = result.rows.map((row) => toDelivery(row));
      const attempts = await listAttempts(deliveries.map((d) => d.id));
      return deliveries.map((d) => ({ ...d, attemptLog: attempts.filter((a) => a.deliveryId === d.id) }));
    },

    listAttempts: (deliveryId: string) => listAttempts([deliveryId]),

    /**
     * Makes a delivery due now with a fresh budget of attempts, whatever its status. A lease held by a
     * worker mid-attempt is left alone, so the delivery is never sent twice at once. Null when unknown.
     */
    async redeliver(id: string): Promise<Delivery | null> {
      const at = iso();
      const result = await db.execute({
        sql: `UPDATE callback_deliveries SET status = 'pending', next_attempt_at = ?, max_attempts = attempts + ?,
                last_error = NULL, delivered_at = NULL, updated_at = ?
              WHERE id = ? RETURNING *`,
        args: [at, retry.maxAttempts, at, id],
      });
      const row = result.rows[0];
      return row ? toDelivery(row) : null;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
