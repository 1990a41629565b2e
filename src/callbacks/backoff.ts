/** How often and how far apart a callback is retried. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Delay after the first failed attempt. */
  baseDelayMs: number;
  /** Each later delay is the previous one times this. */
  factor: number;
  /** Upper bound for one delay (before jitter). */
  maxDelayMs: number;
}

/** 6 attempts, waits of 20 s, 40 s, 80 s, 160 s, 320 s: about 10 minutes from first to last. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 20_000, factor: 2, maxDelayMs: 600_000 };

/** ±20 %: enough to spread a burst of failures, small enough to keep the ~10 minute span. */
const JITTER = 0.2;

/**
 * The wait before the next attempt, after `attempt` (1-based) attempts have failed.
 *
 * @example
 * retryDelay(1, DEFAULT_RETRY_POLICY); // 16 000–24 000
 */
export function retryDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = policy.baseDelayMs * policy.factor ** Math.max(0, attempt - 1);
  const capped = Math.min(exponential, policy.maxDelayMs);
  return Math.max(0, Math.round(capped * (1 - JITTER + 2 * JITTER * random())));
}
