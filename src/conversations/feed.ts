import type { ConversationChange, Unsubscribe } from "./types";

/** Where a polling feed reads from: a position to start at, then everything after a position. */
export interface FeedSource<C, E = ConversationChange> {
  /** The current end of the log; changes after it will be delivered. */
  head(): Promise<C>;
  /** Changes after `cursor`, oldest first, and the new position. `more` = call again at once. */
  after(cursor: C): Promise<{ changes: E[]; cursor: C; more?: boolean }>;
}

export interface PollingFeed<E = ConversationChange> {
  subscribe(listener: (change: E) => void): Unsubscribe;
  /** Polls now instead of at the next tick (a local write just happened); no-op while idle. */
  kick(): void;
  close(): void;
}

/**
 * Change notifications for backends without push (libSQL, Redis over HTTP): one poll loop per store
 * instance, running only while someone listens, so the delay is bounded by `intervalMs` and an idle
 * instance costs nothing. A failed poll is reported and retried on the next tick; the position is
 * kept, so an outage delays changes rather than losing them (within the log's retention).
 *
 * @example
 * const feed = createPollingFeed({ head: async () => 0, after: async (c) => ({ changes: [], cursor: c }) }, { intervalMs: 500 });
 * const stop = feed.subscribe((change) => console.log(change.type));
 */
export function createPollingFeed<C, E = ConversationChange>(
  source: FeedSource<C, E>,
  options: { intervalMs: number; onError?: ((error: unknown) => void) | undefined },
): PollingFeed<E> {
  const listeners = new Set<(change: E) => void>();
  let cursor: { value: C } | undefined;
  let waiting: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let closed = false;

  const deliver = (change: E) => {
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch (error) {
        options.onError?.(error);
      }
    }
  };

  // Bumped whenever the loop stops, so a poll still in flight from an earlier loop goes quiet.
  let generation = 0;
  /** A tick is in flight (between its start and scheduling the next). */
  let polling = false;
  /** A kick arrived while polling: poll again as soon as this tick ends. */
  let kicked = false;

  const stop = () => {
    generation++;
    if (timer) clearTimeout(timer);
    timer = undefined;
    running = false;
    polling = false;
    kicked = false;
    cursor = undefined; // a later subscriber starts from the then-current head
  };

  const tick = async (gen: number) => {
    polling = true;
    let again = false;
    try {
      if (!cursor) {
        const head = await source.head();
        if (gen !== generation) return;
        cursor = { value: head };
        for (const resolve of waiting) resolve();
        waiting = [];
      } else {
        const page = await source.after(cursor.value);
        if (gen !== generation) return;
        cursor = { value: page.cursor };
        for (const change of page.changes) deliver(change);
        again = page.more === true;
      }
    } catch (error) {
      if (gen !== generation) return;
      options.onError?.(error);
    }
    polling = false;
    if (closed || listeners.size === 0) return stop();
    if (kicked) again = true;
    kicked = false;
    timer = setTimeout(() => void tick(gen), again ? 0 : options.intervalMs);
    (timer as { unref?: () => void }).unref?.();
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      const ready = cursor
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiting.push(resolve);
          });
      if (!running && !closed) {
        running = true;
        void tick(generation);
      }
      const unsubscribe = (() => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      }) as Unsubscribe;
      unsubscribe.ready = ready;
      return unsubscribe;
    },
    kick() {
      if (!running || closed) return;
      if (polling) {
        kicked = true;
        return;
      }
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void tick(generation), 0);
    },
    close() {
      closed = true;
      listeners.clear();
      stop();
      for (const resolve of waiting) resolve();
      waiting = [];
    },
  };
}
