import { ConversationConflictError } from "./errors";

/** An attempt lost the race: someone wrote the record between its read and its write. */
export const CONFLICT = Symbol("conflict");

/** The pause after the nth conflict is random, up to min(MAX, BASE · 2^(n-1)) ms ("full jitter"). */
const BASE_BACKOFF_MS = 5;
const MAX_BACKOFF_MS = 1000;

const pause = (attempt: number) =>
  new Promise<void>((resolve) =>
    setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1))),
  );

/**
 * Bounded retries for optimistic writes, shared by every backend. `attempt` reads, computes and
 * tries a compare-and-set: it returns what it wrote, null when there was nothing to update, or
 * CONFLICT to go again. Random back-off spreads writers that collided, so a burst settles one by
 * one; after `attempts` conflicts it rejects with `ConversationConflictError`.
 *
 * @example
 * const written = await retryOptimistic(id, 25, async () => ((await casWrite()) ? next : CONFLICT));
 */
export async function retryOptimistic<T>(
  id: string,
  attempts: number,
  attempt: () => Promise<T | null | typeof CONFLICT>,
): Promise<T | null> {
  for (let n = 1; ; n++) {
    const result = await attempt();
    if (result !== CONFLICT) return result;
    if (n >= attempts) throw new ConversationConflictError(id, n);
    await pause(n);
  }
}

/** Validates `StoreOptions.updateAttempts`. */
export function updateAttempts(value: number | undefined, fallback: number): number {
  const attempts = value ?? fallback;
  if (!Number.isSafeInteger(attempts) || attempts < 1)
    throw new RangeError(`updateAttempts must be a positive integer, got ${attempts}`);
  return attempts;
}
