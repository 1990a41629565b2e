// Runtime-neutral: the one retry policy of model calls — 429 and 5xx, with backoff that honours retry-after.
import { APICallError } from "ai";
import pRetry, { AbortError } from "p-retry";
import { ModelTimeoutError } from "./model-call";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff; doubles per attempt. */
  minMs: number;
  /** Longest wait, a server's retry-after included. */
  maxMs: number;
}

/** Whether a failed model call may succeed if repeated: rate limited (429), overloaded or broken (5xx), or no answer. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ModelTimeoutError) return true;
  if (!APICallError.isInstance(error)) return false;
  const status = error.statusCode;
  if (status === undefined) return error.isRetryable; // the connection failed
  return status === 429 || status === 408 || status === 409 || status >= 500;
}

/** The wait a server asked for: `retry-after-ms`, then `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  if (!APICallError.isInstance(error)) return undefined;
  const headers = Object.fromEntries(Object.entries(error.responseHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers["retry-after"];
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener("abort", done);
      clearTimeout(timer);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * Calls `attempt` until it succeeds, fails with something a retry cannot fix, runs out of retries,
 * or `signal` aborts. The SDK's own retries are off (maxRetries: 0), so this is the only policy.
 * p-retry counts attempts; the wait is ours (p-retry cannot take a per-attempt delay): the
 * server's retry-after when given, else min·2ⁿ with ±20 % jitter, capped at max.
 *
 * @example
 * const result = await withRetries(() => generateText({ …, maxRetries: 0 }), policy, signal, (e, ms) => log.warn(…));
 */
export function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry?: (error: unknown, delayMs: number, attempt: number) => void,
): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await attempt();
      } catch (error) {
        if (signal.aborted || !isRetryable(error)) throw new AbortError(error as Error);
        throw error;
      }
    },
    {
      retries: policy.retries,
      minTimeout: 0,
      maxTimeout: 0,
      randomize: false,
      signal,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft <= 0) return;
        const asked = retryAfterMs(error);
        const backoff = policy.minMs * 2 ** (attemptNumber - 1) * (0.8 + Math.random() * 0.4);
        const delay = Math.min(policy.maxMs, asked ?? backoff);
        onRetry?.(error, delay, attemptNumber);
        await wait(delay, signal);
      },
    },
  );
}
