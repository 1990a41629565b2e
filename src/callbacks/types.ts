/** Shapes shared by the outbox, the deliverer and the worker. */

export type DeliveryStatus = "pending" | "delivered" | "failed" | "skipped";

/** One callback in the outbox, as the API shows it (never with its secret). */
export interface Delivery {
  id: string;
  runId: string | null;
  requestId: string | null;
  /** The URL called, without any `secret` query parameter. */
  url: string;
  /** The exact raw JSON body sent. */
  payload: string;
  status: DeliveryStatus;
  /** Attempts made so far (interrupted ones excluded). */
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string;
  claimedBy: string | null;
  claimedUntil: string | null;
  lastError: string | null;
  /** Whether the callback URL carried its own `?secret=` (the value itself is never exposed). */
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

/** A delivery a worker holds the lease on; only this shape carries the per-delivery secret. */
export interface ClaimedDelivery extends Delivery {
  secret: string | undefined;
}

/** One HTTP attempt, as recorded. */
export interface AttemptRecord {
  id: string;
  deliveryId: string;
  attempt: number;
  startedAt: string;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
}

/** What the deliverer reports back for one claimed delivery. */
export type AttemptOutcome =
  | { kind: "delivered"; startedAt: string; durationMs: number; httpStatus: number }
  | { kind: "failed"; startedAt: string; durationMs: number; httpStatus?: number; error: string }
  /** Not sent at all (the ElevenLabs gate); no attempt is recorded. */
  | { kind: "skipped"; reason: string };

export interface EnqueueInput {
  runId?: string | null;
  requestId?: string | null;
  /** The caller's callback URL; a `?secret=` in it is taken out and sent as a header instead. */
  url: string;
  /** Any JSON-serialisable value; serialised once, and those exact bytes are sent every attempt. */
  payload: unknown;
  /**
   * At most one delivery per key, across instances (a run's callback: `run:<id>`): enqueueing again
   * returns the delivery already there, whatever its state.
   */
  dedupeKey?: string;
}
