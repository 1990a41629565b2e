import type { AttemptRecord, ClaimedDelivery, Delivery, DeliveryStatus } from "./types";

/** How `callback_deliveries` and `callback_attempts` rows map to the outbox's records. */

export type Row = Record<string, unknown>;

const str = (value: unknown) => (value == null ? null : String(value));

export const toDelivery = (row: Row): Delivery => ({
  id: String(row.id),
  runId: str(row.run_id),
  requestId: str(row.request_id),
  url: String(row.url),
  payload: String(row.payload),
  status: String(row.status) as DeliveryStatus,
  attempts: Number(row.attempts),
  maxAttempts: Number(row.max_attempts),
  nextAttemptAt: String(row.next_attempt_at),
  claimedBy: str(row.claimed_by),
  claimedUntil: str(row.claimed_until),
  lastError: str(row.last_error),
  hasSecret: row.secret != null,
  createdAt: String(row.created_at),
  updatedAt: String(row.updated_at),
  deliveredAt: str(row.delivered_at),
});

export const toClaimed = (row: Row): ClaimedDelivery => ({ ...toDelivery(row), secret: str(row.secret) ?? undefined });

export const toAttempt = (row: Row): AttemptRecord => ({
  id: String(row.id),
  deliveryId: String(row.delivery_id),
  attempt: Number(row.attempt),
  startedAt: String(row.started_at),
  durationMs: Number(row.duration_ms),
  httpStatus: row.http_status == null ? null : Number(row.http_status),
  error: str(row.error),
});
