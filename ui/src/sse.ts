/**
 * Follows a Server-Sent Events stream with `fetch` (EventSource cannot send the Authorization
 * header), parsed by eventsource-parser. When the connection drops before the server's final
 * `end` event, it reconnects with `Last-Event-ID` so the server replays only what was missed.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { authHeaders, errorFrom } from "./api";

export type StreamState = "connecting" | "live" | "reconnecting" | "ended" | "failed";

export interface FollowOptions {
  onMessage(message: EventSourceMessage): void;
  onState(state: StreamState, detail?: string): void;
  /** The event name after which the server closes for good. */
  endEvent?: string;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Starts following `url`; returns a function that stops. Retries (1 s, 2 s … 10 s apart) on
 * network errors and 5xx answers; gives up on 4xx (a wrong token shows the login prompt).
 *
 * @example
 * const stop = followSse(`/runs/${id}/events`, { onMessage, onState });
 */
export function followSse(url: string, options: FollowOptions): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const endEvent = options.endEvent ?? "end";
  let lastEventId: string | undefined;
  let ended = false;

  const parser = createParser({
    onEvent(message) {
      if (message.id) lastEventId = message.id;
      if (message.event === endEvent) ended = true;
      options.onMessage(message);
    },
  });

  void (async () => {
    let delay = 1000;
    options.onState("connecting");
    while (!signal.aborted && !ended) {
      try {
        const res = await fetch(url, {
          headers: {
            Accept: "text/event-stream",
            ...authHeaders(),
            ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}),
          },
          cache: "no-store",
          signal,
        });
        if (!res.ok || !res.body) {
          const error = await errorFrom(res);
          if (res.status < 500) {
            options.onState("failed", error.message);
            return;
          }
          throw error;
        }
        options.onState("live");
        delay = 1000;
        parser.reset();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        if (signal.aborted) return;
      }
      if (ended || signal.aborted) break;
      options.onState("reconnecting");
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 10_000);
    }
    if (ended) options.onState("ended");
  })();

  return () => controller.abort();
}
