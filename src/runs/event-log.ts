import type { Client } from "@libsql/client";
import type { RunEvent, RunEventBody } from "../agents/events";

export interface RunEventListener {
  onEvent(event: RunEvent): void;
  /** The run settled; no more events will come. */
  onEnd(): void;
}

interface LiveLog {
  seq: number;
  stored: number;
  truncated: boolean;
  /** Appended but not yet written; pruned only after the write commits, so `read` never misses one. */
  unflushed: RunEvent[];
  listeners: Set<RunEventListener>;
  flushing: Promise<void>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const ALWAYS_KEPT = new Set(["result", "status"]);

function clip(body: RunEventBody, maxText: number): RunEventBody {
  const copy: Record<string, unknown> = { ...body };
  for (const [key, value] of Object.entries(copy)) {
    if (typeof value === "string" && value.length > maxText) copy[key] = `${value.slice(0, maxText)}… [truncated]`;
    else if (value !== null && typeof value === "object") {
      const json = JSON.stringify(value);
      if (json.length > maxText) copy[key] = `${json.slice(0, maxText)}… [truncated]`;
    }
  }
  return copy as RunEventBody;
}

/**
 * A run's ordered event log: live listeners are told synchronously (so relay latency is one
 * function call), while persistence to `run_events` is batched every `flushMs`.
 * Bounded: at most `maxEvents` per run are stored and relayed (the terminal `result`/`status`
 * events always are), and every text field is clipped to `maxTextChars`.
 *
 * @example
 * const events = createRunEventLog({ db, maxEvents: 5000, maxTextChars: 65536, flushMs: 50 });
 * events.open(runId);
 * events.append(runId, { type: "message", role: "assistant", text: "hi" });
 * await events.close(runId);
 */
export function createRunEventLog(options: {
  db: Client;
  maxEvents: number;
  maxTextChars: number;
  flushMs: number;
  onError?: (error: unknown) => void;
}) {
  const { db } = options;
  const live = new Map<string, LiveLog>();

  const flush = (runId: string, log: LiveLog) => {
    if (log.timer) clearTimeout(log.timer);
    log.timer = undefined;
    // Chained so batches are written in order and never overlap.
    log.flushing = log.flushing.then(async () => {
      const batch = log.unflushed.slice(0);
      if (batch.length === 0) return;
      const statements = batch.map(({ seq, ts, type, ...data }) => ({
        sql: "INSERT OR IGNORE INTO run_events (run_id, seq, ts, type, data) VALUES (?, ?, ?, ?, ?)",
        args: [runId, seq, ts, type, JSON.stringify(data)],
      }));
      try {
        await db.batch(statements, "write");
        log.unflushed.splice(0, batch.length);
      } catch (error) {
        options.onError?.(error);
      }
    });
    return log.flushing;
  };

  const rowToEvent = (row: Record<string, unknown>): RunEvent =>
    ({ seq: Number(row.seq), ts: String(row.ts), type: String(row.type), ...JSON.parse(String(row.data)) }) as RunEvent;

  return {
    open(runId: string) {
      if (!live.has(runId)) {
        live.set(runId, {
          seq: 0,
          stored: 0,
          truncated: false,
          unflushed: [],
          listeners: new Set(),
          flushing: Promise.resolve(),
          timer: undefined,
        });
      }
    },

    isLive: (runId: string) => live.has(runId),

    /** Appends an event; returns it with its seq, or null when the log is full and the event was dropped. */
    append(runId: string, body: RunEventBody): RunEvent | null {
      const log = live.get(runId);
      if (!log) return null;
      if (log.stored >= options.maxEvents && !ALWAYS_KEPT.has(body.type)) {
        if (log.truncated) return null;
        log.truncated = true;
        body = {
          type: "status",
          status: "events_truncated",
          detail: `More than ${options.maxEvents} events; later ones are not kept`,
        };
      }
      const event = { ...clip(body, options.maxTextChars), seq: ++log.seq, ts: new Date().toISOString() } as RunEvent;
      log.stored++;
      log.unflushed.push(event);
      for (const listener of log.listeners) listener.onEvent(event);
      log.timer ??= setTimeout(() => void flush(runId, log), options.flushMs);
      return event;
    },

    /** Number of events stored for a live run. */
    count: (runId: string) => live.get(runId)?.stored ?? 0,

    /** Listens to a live run; returns undefined when the run is not live here (read the stored log instead). */
    subscribe(runId: string, listener: RunEventListener): (() => void) | undefined {
      const log = live.get(runId);
      if (!log) return undefined;
      log.listeners.add(listener);
      return () => log.listeners.delete(listener);
    },

    /** Events with seq > afterSeq: stored ones plus those not yet flushed. */
    async read(runId: string, afterSeq = 0): Promise<RunEvent[]> {
      const result = await db.execute({
        sql: "SELECT seq, ts, type, data FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq",
        args: [runId, afterSeq],
      });
      const events = result.rows.map((row) => rowToEvent(row));
      const last = events.at(-1)?.seq ?? afterSeq;
      const pending = live.get(runId)?.unflushed.filter((event) => event.seq > last) ?? [];
      return [...events, ...pending];
    },

    /** Flushes everything, tells listeners the run ended and forgets the live state. */
    async close(runId: string): Promise<void> {
      const log = live.get(runId);
      if (!log) return;
      await flush(runId, log);
      live.delete(runId);
      for (const listener of log.listeners) listener.onEnd();
    },
  };
}

export type RunEventLog = ReturnType<typeof createRunEventLog>;
