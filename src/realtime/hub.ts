import { isStoreUnavailable } from "../conversations/errors";
import type { ConversationChange, ConversationStore, Unsubscribe } from "../conversations/types";
import type { Logger } from "../log";
import { type ConversationRecord, changeFrame, errorFrame, notFoundFrame, snapshotFrame } from "./frames";
import { type ConversationFamily, familyOfChange, topicOf } from "./topics";

/** What the hub needs of a connected socket; the Node attachment wraps a `ws` WebSocket. */
export interface RealtimeSocket {
  send(text: string): void;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Ends the connection at once (a close handshake would queue behind the backlog). */
  terminate(): void;
}

export interface RealtimeHubOptions {
  store: ConversationStore;
  log: Pick<Logger, "debug" | "info" | "warn">;
  /** A socket with more than this queued is dropped instead of queueing more. */
  maxBufferedBytes: number;
}

interface Client {
  socket: RealtimeSocket;
  topic: string;
  /** Frames that arrived before the snapshot went out; sent right after it, in order. */
  pending: string[] | null;
}

/**
 * Fans conversation changes out to WebSockets by topic (`conversation:{id}`,
 * `agent_conversation:{id}`). One subscription to the store's change feed per hub, opened when the
 * first socket connects, so an update written by any instance sharing the store reaches sockets
 * held here. Each change is read once per topic and sent to every socket on it; reads per topic
 * run one at a time, so frames never go back in time, and a burst collapses into its newest state. A socket that cannot keep up is dropped —
 * never the server. Runtime-neutral: sockets come in through `RealtimeSocket`.
 *
 * @example
 * const hub = createRealtimeHub({ store, log, maxBufferedBytes: 4 << 20 });
 * await hub.connect(socket, "conversation", id); // sends the snapshot
 * hub.disconnect(socket);
 */
export function createRealtimeHub(options: RealtimeHubOptions) {
  const { store, log } = options;
  const topics = new Map<string, Set<Client>>();
  const clients = new Map<RealtimeSocket, Client>();
  /** Topics with a broadcast running, and the newest change waiting behind it. */
  const broadcasts = new Map<string, { next: ConversationChange | null }>();
  let subscription: Unsubscribe | undefined;
  let closed = false;

  const read = (family: ConversationFamily, id: string): Promise<ConversationRecord | null> =>
    family === "conversation" ? store.getConversation(id) : store.getAgentConversation(id);

  const remove = (client: Client) => {
    clients.delete(client.socket);
    const set = topics.get(client.topic);
    set?.delete(client);
    if (set?.size === 0) topics.delete(client.topic);
  };

  /** Sends, or drops the socket when it is already too far behind. */
  const send = (client: Client, frame: string) => {
    if (client.socket.bufferedAmount > options.maxBufferedBytes) {
      log.warn(
        { topic: client.topic, bufferedBytes: client.socket.bufferedAmount, limit: options.maxBufferedBytes },
        "Dropped a slow WebSocket client",
      );
      remove(client);
      client.socket.terminate();
      return;
    }
    try {
      client.socket.send(frame);
    } catch (error) {
      log.debug({ err: error, topic: client.topic }, "WebSocket send failed; dropping the client");
      remove(client);
      client.socket.terminate();
    }
  };

  const broadcast = async (change: ConversationChange, topic: string) => {
    if (!topics.has(topic)) return;
    let conversation: ConversationRecord | null;
    try {
      conversation = await read(familyOfChange(change.type), change.conversationId);
    } catch (error) {
      log.warn({ err: error, topic }, "Could not read a changed conversation for its WebSocket clients");
      return;
    }
    if (!conversation) return; // deleted or expired since
    const frame = changeFrame(change, conversation);
    for (const client of topics.get(topic) ?? []) {
      if (client.pending) client.pending.push(frame);
      else send(client, frame);
    }
  };

  /**
   * One read-and-send per topic at a time. Every frame carries the whole conversation as read at
   * that moment, so changes that pile up behind a running broadcast collapse into one (the newest):
   * a burst costs one read and one frame per socket, not one per change.
   */
  const onChange = (change: ConversationChange) => {
    const topic = topicOf(familyOfChange(change.type), change.conversationId);
    if (!topics.has(topic)) return;
    const state = broadcasts.get(topic);
    if (state) {
      state.next = change;
      return;
    }
    const run = async (first: ConversationChange) => {
      const current: { next: ConversationChange | null } = { next: null };
      broadcasts.set(topic, current);
      let change: ConversationChange | null = first;
      try {
        while (change) {
          await broadcast(change, topic);
          change = current.next;
          current.next = null;
        }
      } finally {
        broadcasts.delete(topic);
      }
    };
    void run(change);
  };

  /** Subscribes on first use; resolves once changes from now on will be delivered. */
  const ensureSubscribed = async () => {
    subscription ??= store.subscribe(onChange);
    await subscription.ready.catch(() => {}); // an outage delays the feed; the store keeps retrying
  };

  return {
    /**
     * Registers the socket under its topic and sends the snapshot (or the error frame). Changes
     * that arrive meanwhile are held back and sent after the snapshot.
     */
    async connect(socket: RealtimeSocket, family: ConversationFamily, conversationId: string): Promise<void> {
      if (closed) return socket.terminate();
      const client: Client = { socket, topic: topicOf(family, conversationId), pending: [] };
      clients.set(socket, client);
      const set = topics.get(client.topic) ?? new Set<Client>();
      topics.set(client.topic, set);
      set.add(client);
      await ensureSubscribed();
      let frame: string;
      try {
        const conversation = await read(family, conversationId);
        frame = conversation ? snapshotFrame(family, conversationId, conversation) : notFoundFrame(family, conversationId);
      } catch (error) {
        frame = isStoreUnavailable(error) ? notFoundFrame(family, conversationId) : errorFrame((error as Error).message);
      }
      if (!clients.has(socket)) return; // closed while the snapshot was read
      const held = client.pending ?? [];
      client.pending = null;
      for (const each of [frame, ...held]) {
        if (!clients.has(socket)) break;
        send(client, each);
      }
    },

    /** Forgets the socket (on close or error). */
    disconnect(socket: RealtimeSocket): void {
      const client = clients.get(socket);
      if (client) remove(client);
    },

    /** Every connected socket (for keep-alive and shutdown). */
    sockets: (): RealtimeSocket[] => [...clients.keys()],

    stats: () => ({ sockets: clients.size, topics: topics.size, subscribed: subscription !== undefined }),

    /** Stops the feed subscription and forgets every socket (the caller closes them). */
    close(): void {
      closed = true;
      subscription?.();
      subscription = undefined;
      clients.clear();
      topics.clear();
    },
  };
}

export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
