import type { ChangeListener, ConversationChange, Unsubscribe } from "./types";

/** Where a polling feed reads from: a position to start at, then everything after a position. */
export interface FeedSource<C> {
  /** The current end of the log; changes after it will be delivered. */
  head(): Promise<C>;
  /** Changes after `cursor`, oldest first, and the new position. `more` = call again at once. */
  after(cursor: C): Promise<{ changes: ConversationChange[]; cursor: C; more?: boolean }>;
}

export interface PollingFeed {
  subscribe(listener: ChangeListener): Unsubscribe;
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
export function createPollingFeed<C>(
  source: FeedSource<C>,
  options: { intervalMs: number; onError?: ((error: unknown) => void) | undefined },
): PollingFeed {
  const listeners = new Set<ChangeListener>();
  let cursor: { value: C } | undefined;
  let waiting: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let closed = false;

  const deliver = (change: ConversationChange) => {
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

  const stop = () => {
    generation++;
    if (timer) clearTimeout(timer);
    timer = undefined;
    running = false;
    cursor = undefined; // a later subscriber starts from the then-current head
  };

  const tick = async (gen: number) => {
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
    if (closed || listeners.size === 0) return stop();
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
    close() {
      closed = true;
      listeners.clear();
      stop();
      for (const resolve of waiting) resolve();
      waiting = [];
    },
  };
}
