import { isStoreUnavailable } from "../conversations/errors";
import type { ConversationChange, ConversationStore, Unsubscribe } from "../conversations/types";
import type { Logger } from "../log";
import { createConnections, type RealtimeSocket } from "./connections";
import { type ConversationRecord, changeFrame, errorFrame, notFoundFrame, snapshotFrame } from "./frames";
import type { HandshakeVerdict } from "./handshake";
import { type TaskEventLike, type TaskSource, taskEventFrame, taskSnapshotFrame } from "./task-frames";
import { type ConversationFamily, familyOfChange, taskTopic, topicOf } from "./topics";

export type { RealtimeSocket } from "./connections";
export type { TaskSource } from "./task-frames";

export interface RealtimeHubOptions {
  store: ConversationStore;
  log: Pick<Logger, "debug" | "info" | "warn">;
  /** A socket with more than this queued is dropped instead of queueing more. */
  maxBufferedBytes: number;
  /** The task engine, for `/tasks/ws` sockets (absent: those get an error frame). */
  tasks?: TaskSource;
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
  const connections = createConnections(options);
  const { topics, clients, register } = connections;
  /** Topics with a broadcast running, and the newest change waiting behind it. */
  const broadcasts = new Map<string, { next: ConversationChange | null }>();
  let subscription: Unsubscribe | undefined;
  let taskSubscription: Unsubscribe | undefined;
  /** Task frames go out one event at a time, in the log's order. */
  let taskFrames: Promise<void> = Promise.resolve();

  const read = (family: ConversationFamily, id: string): Promise<ConversationRecord | null> =>
    family === "conversation" ? store.getConversation(id) : store.getAgentConversation(id);

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
    connections.deliver(topic, frame);
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
  const onTaskEvent = (event: TaskEventLike) => {
    const targets = [taskTopic(event.taskId), taskTopic(null)].filter((topic) => topics.has(topic));
    if (targets.length === 0 || !options.tasks) return;
    const source = options.tasks;
    taskFrames = taskFrames.then(async () => {
      const frame = await taskEventFrame(source, event, log);
      if (frame === null) return;
      for (const topic of targets) connections.deliver(topic, frame);
    });
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
        () => taskSnapshotFrame(source, taskId),
      );
    },

    /** Follows what a checked handshake asked for. */
    follow(socket: RealtimeSocket, target: Extract<HandshakeVerdict, { ok: true }>): Promise<void> {
      return target.family === "task"
        ? this.connectTask(socket, target.taskId)
        : this.connect(socket, target.family, target.conversationId);
    },

    /** Forgets the socket (on close or error). */
    disconnect: connections.disconnect,

    /** Every connected socket (for keep-alive and shutdown). */
    sockets: (): RealtimeSocket[] => [...clients.keys()],

    stats: () => ({ sockets: clients.size, topics: topics.size, subscribed: subscription !== undefined }),

    /** Stops the feed subscription and forgets every socket (the caller closes them). */
    close(): void {
      subscription?.();
      subscription = undefined;
      taskSubscription?.();
      taskSubscription = undefined;
      connections.close();
    },
  };
}

export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
