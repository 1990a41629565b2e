import PQueue from "p-queue";
import { HttpError } from "../http/errors";

export interface SlotStatus {
  /** Free execution slots. */
  available: number;
  /** Runs waiting for a slot (including those admitted and about to join the queue). */
  waiting: number;
  maxConcurrent: number;
  maxQueue: number;
}

/** A place in line, taken synchronously; `run` uses it, `release` gives it back unused. */
export interface SlotReservation {
  run<T>(task: () => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
  release(): void;
}

/**
 * The one global FIFO limit on concurrent agent runs (§4.2), with a bounded waiting queue.
 * A slot is held exactly as long as the function passed to `run` is pending, so it is released
 * exactly once whichever way that function settles (the original leaked slots on spawn errors).
 * Admission is decided synchronously (`reserve`): a caller that must do async work before it
 * queues (write the run row) holds its place meanwhile, so a burst of requests can never be
 * admitted past the limit and then refused after it was acknowledged.
 *
 * @example
 * const slots = createSlots({ maxConcurrent: 5, maxQueue: 100 });
 * const place = slots.reserve();          // 429 HttpError when the line is full
 * await store.create(run);
 * const result = await place.run(() => executeProcess(...), { signal });
 */
export function createSlots(options: { maxConcurrent: number; maxQueue: number }) {
  const queue = new PQueue({ concurrency: options.maxConcurrent });
  /** Admitted but not yet handed to the queue. */
  let reserved = 0;

  const admitted = () => queue.pending + queue.size + reserved;

  const enqueue = async <T>(task: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
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
  };

  const slots = {
    /** Takes a place in line now; throws a 429 HttpError when `maxQueue` runs would have to wait. */
    reserve(): SlotReservation {
      if (admitted() >= options.maxConcurrent + options.maxQueue) {
        throw new HttpError(429, `Execution queue is full (${options.maxQueue} runs waiting); retry later`, {
          headers: { "Retry-After": "5" },
        });
      }
      reserved++;
      let used = false;
      const giveBack = () => {
        if (used) return false;
        used = true;
        reserved--;
        return true;
      };
      return {
        run: (task, { signal } = {}) => {
          if (!giveBack()) return Promise.reject(new Error("A slot reservation can be used once"));
          return enqueue(task, signal);
        },
        release: () => void giveBack(),
      };
    },

    /**
     * Runs `task` when a slot is free. Throws a 429 HttpError at once when `maxQueue` runs are
     * already waiting; rejects with the signal's reason if aborted while still waiting.
     */
    run<T>(task: () => Promise<T>, { signal }: { signal?: AbortSignal } = {}): Promise<T> {
      try {
        return slots.reserve().run(task, signal ? { signal } : {});
      } catch (error) {
        return Promise.reject(error);
      }
    },

    status(): SlotStatus {
      return {
        available: Math.max(0, options.maxConcurrent - queue.pending - reserved),
        waiting: Math.max(0, admitted() - options.maxConcurrent),
        maxConcurrent: options.maxConcurrent,
        maxQueue: options.maxQueue,
      };
    },

    /** Resolves once nothing is running or waiting (used by graceful shutdown). */
    onIdle: () => queue.onIdle(),
  };
  return slots;
}

export type Slots = ReturnType<typeof createSlots>;
