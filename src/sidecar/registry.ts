// Runtime-neutral: the sidecar's bounded table of processes (the executor that spawns them is injected).
import {
  type Executor,
  type ProcessHandle,
  type ProcessResult,
  type ProcessSpec,
  RUN_ID_ENV,
  type SettleReason,
} from "../exec/types";
import { HttpError } from "../http/errors";
import type { ProcessStatus, StreamEvent } from "./protocol";

export interface RegistryOptions {
  /** Processes allowed to run at once; more → 429. */
  maxRunning: number;
  /** Finished processes kept (oldest dropped first) so a late or reconnecting client still gets the result. */
  maxRetained: number;
  /** How long a finished process's result is kept. */
  retainMs: number;
  now?: () => number;
}

interface Entry {
  id: string;
  command: string;
  /** The runner's run id, from the process's environment (RUN_ID_ENV), so a dead runner's processes can be found. */
  runId: string | undefined;
  handle: ProcessHandle;
  startedAt: number;
  finishedAt?: number;
  result?: ProcessResult;
  /** Output so far while running (the result carries it once finished), for clients that reconnect. */
  text: { stdout: string; stderr: string };
  subscribers: Set<(event: StreamEvent) => void>;
}

/**
 * Runs processes through `executor` and remembers them by id: live output for subscribers, the
 * output so far for a client that reconnects, and the result for a while after the end. Bounded:
 * `maxRunning` live processes, `maxRetained` finished ones for at most `retainMs` each (swept
 * lazily on every call, so no timer is needed).
 *
 * @example
 * const registry = createProcessRegistry(createLocalExecutor(), { maxRunning: 32, maxRetained: 256, retainMs: 600_000 });
 * const { id } = registry.start(spec);
 * const off = registry.subscribe(id, { stdout: 0, stderr: 0 }, (event) => send(event));
 */
export function createProcessRegistry(executor: Executor, options: RegistryOptions) {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  /** Ids of finished entries in the order they finished: the eviction order. */
  const finished = new Set<string>();
  let running = 0;

  const sweep = () => {
    for (const id of finished) {
      const entry = entries.get(id);
      const expired = !entry?.finishedAt || now() - entry.finishedAt >= options.retainMs;
      if (!expired && finished.size <= options.maxRetained) break;
      finished.delete(id);
      entries.delete(id);
    }
  };

  const find = (id: string): Entry => {
    sweep();
    const entry = entries.get(id);
    if (!entry) throw new HttpError(404, `No process ${id} on this sidecar (unknown, or its result has expired)`);
    return entry;
  };

  const status = (entry: Entry): ProcessStatus => ({
    id: entry.id,
    pid: entry.handle.pid ?? null,
    command: entry.command,
    state: entry.result ? "finished" : "running",
    startedAt: new Date(entry.startedAt).toISOString(),
    finishedAt: entry.finishedAt ? new Date(entry.finishedAt).toISOString() : null,
    ...(entry.result ? { result: entry.result } : {}),
  });

  return {
    /** Spawns the process; throws 429 when `maxRunning` are already running. */
    start(spec: Omit<ProcessSpec, "signal">): ProcessStatus {
      sweep();
      if (running >= options.maxRunning) {
        throw new HttpError(429, `The sidecar is running its limit of ${options.maxRunning} processes; retry later`, {
          headers: { "Retry-After": "5" },
        });
      }
      const handle = executor.run(spec);
      const entry: Entry = {
        id: crypto.randomUUID(),
        command: spec.command,
        runId: spec.env?.[RUN_ID_ENV],
        handle,
        startedAt: now(),
        text: { stdout: "", stderr: "" },
        subscribers: new Set(),
      };
      running++;
      entries.set(entry.id, entry);
      const publish = (event: StreamEvent) => {
        for (const subscriber of entry.subscribers) {
          try {
            subscriber(event);
          } catch {
            // A broken connection must not break the process or the other subscribers.
          }
        }
      };
      handle.onOutput((chunk) => {
        entry.text[chunk.stream] += chunk.text;
        publish({ type: "output", stream: chunk.stream, text: chunk.text });
      });
      void handle.result.then((result) => {
        running--;
        entry.result = result;
        entry.finishedAt = now();
        entry.text = { stdout: "", stderr: "" };
        finished.add(entry.id);
        publish({ type: "result", result });
        entry.subscribers.clear();
        sweep();
      });
      return status(entry);
    },

    get: (id: string): ProcessStatus => status(find(id)),

    list: (): ProcessStatus[] => {
      sweep();
      return [...entries.values()].map(status);
    },

    stop(id: string, reason: SettleReason, message?: string): ProcessStatus {
      const entry = find(id);
      entry.handle.stop(reason, message);
      return status(entry);
    },

    /**
     * Sends `listener` the output the client has not seen yet (past the given offsets), then live
     * events until the result; for a finished process, the rest of its output and its result at once.
     * Returns the unsubscribe function. Synchronous, so no chunk falls between catch-up and live.
     */
    subscribe(id: string, seen: { stdout: number; stderr: number }, listener: (event: StreamEvent) => void): () => void {
      const entry = find(id);
      const text = entry.result ?? entry.text;
      for (const stream of ["stdout", "stderr"] as const) {
        const rest = text[stream].slice(seen[stream]);
        if (rest) listener({ type: "output", stream, text: rest });
      }
      if (entry.result) {
        listener({ type: "result", result: entry.result });
        return () => {};
      }
      entry.subscribers.add(listener);
      return () => entry.subscribers.delete(listener);
    },

    /**
     * Stops the live processes started with RUN_ID_ENV=`runId` in their environment (their runner
     * died) and waits until they have settled. Returns the ids of the processes stopped.
     */
    async stopRun(runId: string, reason: SettleReason, message: string): Promise<string[]> {
      const live = [...entries.values()].filter((entry) => !entry.result && entry.runId === runId);
      for (const entry of live) entry.handle.stop(reason, message);
      await Promise.all(live.map((entry) => entry.handle.result));
      return live.map((entry) => entry.id);
    },

    counts: () => ({ running, retained: finished.size }),

    /** Stops every live process and waits until all have settled (sidecar shutdown). */
    async stopAll(reason: SettleReason, message: string): Promise<void> {
      const live = [...entries.values()].filter((entry) => !entry.result);
      for (const entry of live) entry.handle.stop(reason, message);
      await Promise.all(live.map((entry) => entry.handle.result));
    },
  };
}

export type ProcessRegistry = ReturnType<typeof createProcessRegistry>;
