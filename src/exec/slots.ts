import PQueue from "p-queue";
import { HttpError } from "../http/errors";

export interface SlotStatus {
  /** Free execution slots. */
  available: number;
  /** Runs waiting for a slot. */
  waiting: number;
  maxConcurrent: number;
  maxQueue: number;
}

/**
 * The one global FIFO limit on concurrent agent runs (§4.2), with a bounded waiting queue.
 * A slot is held exactly as long as the function passed to `run` is pending, so it is released
 * exactly once whichever way that function settles (the original leaked slots on spawn errors).
 *
 * @example
 * const slots = createSlots({ maxConcurrent: 5, maxQueue: 100 });
 * const result = await slots.run(() => executeProcess(...), { signal });
 */
export function createSlots(options: { maxConcurrent: number; maxQueue: number }) {
  const queue = new PQueue({ concurrency: options.maxConcurrent });

  return {
    /**
     * Runs `task` when a slot is free. Throws a 429 HttpError at once when `maxQueue` runs are
     * already waiting; rejects with the signal's reason if aborted while still waiting.
     */
    async run<T>(task: () => Promise<T>, { signal }: { signal?: AbortSignal } = {}): Promise<T> {
      const mustWait = queue.pending >= options.maxConcurrent;
      if (mustWait && queue.size >= options.maxQueue) {
        throw new HttpError(429, `Execution queue is full (${options.maxQueue} runs waiting); retry later`, {
          headers: { "Retry-After": "5" },
        });
      }
      // p-queue (v9) also races a *running* task against its signal: it would reject (and free the
      // slot) while the task — a process being stopped — still runs. Only a wait is abortable here.
      let started = false;
      const waiting = new AbortController();
      const onAbort = () => {
        if (!started) waiting.abort(signal?.reason);
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
      try {
        return (await queue.add(
          () => {
            started = true;
            return task();
          },
          { signal: waiting.signal },
        )) as T;
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
    },

    status(): SlotStatus {
      return {
        available: Math.max(0, options.maxConcurrent - queue.pending),
        waiting: queue.size,
        maxConcurrent: options.maxConcurrent,
        maxQueue: options.maxQueue,
      };
    },

    /** Resolves once nothing is running or waiting (used by graceful shutdown). */
    onIdle: () => queue.onIdle(),
  };
}

export type Slots = ReturnType<typeof createSlots>;
