// Runtime-neutral: turns a process's events into an NDJSON or SSE response body (web streams only).
import type { StreamEvent } from "./protocol";

export type StreamFormat = "ndjson" | "sse";

const encoder = new TextEncoder();

/** NDJSON: one JSON object per line. SSE: the event's type as the event name, the JSON as data. */
export function encodeEvent(event: StreamEvent, format: StreamFormat): Uint8Array {
  const json = JSON.stringify(event);
  return encoder.encode(format === "sse" ? `event: ${event.type}\ndata: ${json}\n\n` : `${json}\n`);
}

/**
 * A response body that relays `subscribe`'s events until the result, then ends. Pings every
 * `pingMs` keep a quiet run's connection alive. A client that goes away cancels the stream, which
 * unsubscribes: the process itself carries on (the client may reconnect).
 *
 * @example
 * const body = eventStream((send) => registry.subscribe(id, seen, send), { format: "ndjson", pingMs: 15_000 });
 * return new Response(body, { headers: { "Content-Type": "application/x-ndjson" } });
 */
export function eventStream(
  subscribe: (send: (event: StreamEvent) => void) => () => void,
  { format, pingMs }: { format: StreamFormat; pingMs: number },
): ReadableStream<Uint8Array> {
  let unsubscribe = () => {};
  let ping: ReturnType<typeof setInterval> | undefined;
  let done = false;
  const finish = () => {
    done = true;
    clearInterval(ping);
    unsubscribe();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: StreamEvent) => {
        if (done) return;
        controller.enqueue(encodeEvent(event, format));
        if (event.type === "result") {
          finish();
          controller.close();
        }
      };
      // The catch-up (and, for a finished process, the result) is sent synchronously from here.
      unsubscribe = subscribe(send);
      if (done) unsubscribe();
      else ping = setInterval(() => send({ type: "ping" }), pingMs);
    },
    cancel: finish,
  });
}
