import { isStoreUnavailable } from "../conversations/errors";
import type { ConversationChange, ConversationStore, Unsubscribe } from "../conversations/types";
import type { Logger } from "../log";
import { type ConversationRecord, changeFrame, errorFrame, notFoundFrame, snapshotFrame } from "./frames";
import type { HandshakeVerdict } from "./handshake";
import { type ConversationFamily, familyOfChange, taskTopic, topicOf } from "./topics";

/** What the hub reads of the task engine: its change log, and tasks and messages as the API shows them. */
export interface TaskSource {
  subscribe(listener: (event: { taskId: string; type: string; data: Record<string, unknown> }) => void): Unsubscribe;
  task(id: string): Promise<unknown | null>;
  message(id: string): Promise<unknown | null>;
}

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
  /** The task engine, for `/tasks/ws` sockets (absent: those get an error frame). */
  tasks?: TaskSource;
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
  let taskSubscription: Unsubscribe | undefined;
  /** Task frames go out one event at a time, in the log's order. */
  let taskFrames: Promise<void> = Promise.resolve();
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

  /** Sends one task event to the sockets following that task, and to those following every task. */
  const onTaskEvent = (event: { taskId: string; type: string; data: Record<string, unknown> }) => {
    const targets = [taskTopic(event.taskId), taskTopic(null)].filter((topic) => topics.has(topic));
    if (targets.length === 0 || !options.tasks) return;
    const source = options.tasks;
    taskFrames = taskFrames.then(async () => {
      let frame: string;
      try {
        const type = `task.${event.type === "new_message" ? "message" : event.type.replace(/^task_/, "")}`;
        const messageId = typeof event.data.messageId === "string" ? event.data.messageId : undefined;
        const [task, message] = await Promise.all([
          event.type === "task_deleted" ? null : source.task(event.taskId),
          messageId ? source.message(messageId) : null,
        ]);
        frame = JSON.stringify({
          type,
          taskId: event.taskId,
          ...event.data,
          ...(task ? { task } : {}),
          ...(message ? { message } : {}),
        });
      } catch (error) {
        log.warn({ err: error, taskId: event.taskId }, "Could not read a changed task for its WebSocket clients");
        return;
      }
      for (const topic of targets) {
        for (const client of topics.get(topic) ?? []) {
          if (client.pending) client.pending.push(frame);
          else send(client, frame);
        }
      }
    });
  };

  /** Registers a socket under `topic`, sends `snapshot()`'s frame, then what arrived meanwhile. */
  const register = async (socket: RealtimeSocket, topic: string, ready: () => Promise<void>, snapshot: () => Promise<string>) => {
    if (closed) return socket.terminate();
    const client: Client = { socket, topic, pending: [] };
    clients.set(socket, client);
    const set = topics.get(topic) ?? new Set<Client>();
    topics.set(topic, set);
    set.add(client);
    await ready();
    const frame = await snapshot();
    if (!clients.has(socket)) return; // closed while the snapshot was read
    const held = client.pending ?? [];
    client.pending = null;
    for (const each of [frame, ...held]) {
      if (!clients.has(socket)) break;
      send(client, each);
    }
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
      await register(socket, topicOf(family, conversationId), ensureSubscribed, async () => {
        try {
          const conversation = await read(family, conversationId);
          return conversation ? snapshotFrame(family, conversationId, conversation) : notFoundFrame(family, conversationId);
        } catch (error) {
          return isStoreUnavailable(error) ? notFoundFrame(family, conversationId) : errorFrame((error as Error).message);
        }
      });
    },

    /**
     * A task socket: `{type:"task.snapshot", taskId, task}` (or, following every task,
     * `{type:"tasks.subscribed"}`), then `task.created` / `task.updated` / `task.message` /
     * `task.deleted` frames, each with the task (and the message) as they are.
     */
    async connectTask(socket: RealtimeSocket, taskId: string | null): Promise<void> {
      const source = options.tasks;
      await register(
        socket,
        taskTopic(taskId),
        async () => {
          if (!source) return;
          taskSubscription ??= source.subscribe(onTaskEvent);
          await taskSubscription.ready.catch(() => {});
        },
        async () => {
          if (!source) return errorFrame("The task engine is not available here");
          if (!taskId) return JSON.stringify({ type: "tasks.subscribed" });
          try {
            const task = await source.task(taskId);
            return task
              ? JSON.stringify({ type: "task.snapshot", taskId, task })
              : JSON.stringify({ type: "error", error: `Task with ID ${taskId} not found`, taskId });
          } catch (error) {
            return errorFrame((error as Error).message);
          }
        },
      );
    },

    /** Follows what a checked handshake asked for. */
    follow(socket: RealtimeSocket, target: Extract<HandshakeVerdict, { ok: true }>): Promise<void> {
      return target.family === "task"
        ? this.connectTask(socket, target.taskId)
        : this.connect(socket, target.family, target.conversationId);
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
      taskSubscription?.();
      taskSubscription = undefined;
      clients.clear();
      topics.clear();
    },
  };
}

export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
