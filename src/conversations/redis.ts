// Node-only: node-redis speaks RESP over TCP sockets (node:net); Workers use ./upstash.ts instead.
import { createClient, ErrorReply } from "redis";
import { StoreUnavailableError } from "./errors";
import {
  AGENT_CONVERSATION_INDEX,
  agentConversationKey,
  CHANGE_CHANNEL,
  CHANGE_STREAM,
  CHANGE_STREAM_MAX,
  CONVERSATION_INDEX,
  chunks,
  conversationKey,
  POINTER_KEYS,
  POINTER_SCRIPT,
  pointerKey,
} from "./keys";
import {
  decodeAgentConversation,
  decodeChange,
  decodeConversation,
  pageWindow,
  slice,
  sortAgentConversations,
  toChange,
  ttlMs,
} from "./records";
import {
  type AgentConversation,
  type ChangeListener,
  type Conversation,
  type ConversationStore,
  DEFAULT_TTL_SECONDS,
  type StoreOptions,
  type Unsubscribe,
} from "./types";

export interface RedisStoreOptions extends StoreOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Longest wait for the first connection; after it the store is returned anyway and keeps retrying. Default 2000. */
  connectTimeoutMs?: number;
  /** A command that gets no reply within this fails (a hung server must not stall requests). Default 5000. */
  commandTimeoutMs?: number;
}

type Client = ReturnType<typeof createRedisClient>;
type Multi = ReturnType<Client["multi"]>;

const createRedisClient = (options: RedisStoreOptions) =>
  createClient({
    url: options.url,
    RESP: 2,
    // Fail calls at once while disconnected instead of queueing them until Redis returns.
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs ?? 5000 },
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 2000,
      // Never give up: the service heals by itself when Redis comes back (the original stopped after 3 tries).
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
    },
  });

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Conversation store on Redis over TCP (node-redis), with the original's keys (§7.2, §8) so data it
 * wrote is readable and vice versa. Values are JSON strings written with a TTL (3600 s by default);
 * the id indexes and pointer-expiry rules are described in ./keys.ts. Writes go in one MULTI; change
 * events go out over pub/sub and into a capped stream that HTTP (Upstash) instances poll.
 * While Redis is down, calls reject at once with `StoreUnavailableError`; the client keeps
 * reconnecting in the background, so the same store works again as soon as Redis is back.
 *
 * @example
 * const store = await createRedisConversationStore({ url: "redis://127.0.0.1:6379/0" });
 * const page = await store.listConversations({ limit: 20, offset: 0 });
 */
export async function createRedisConversationStore(options: RedisStoreOptions): Promise<ConversationStore> {
  const ttl = ttlMs(options.ttlSeconds, DEFAULT_TTL_SECONDS);
  const client = createRedisClient(options);
  let subscriber: Client | undefined;
  let subscribed: Promise<void> | undefined;
  const listeners = new Set<ChangeListener>();

  // node-redis emits an error per failed reconnect; report only the first of each outage.
  let healthy = true;
  client.on("error", (error: unknown) => {
    if (healthy) options.onError?.(error);
    healthy = false;
  });
  client.on("ready", () => {
    healthy = true;
  });

  const connecting = client.connect().catch((error: unknown) => options.onError?.(error));
  await Promise.race([connecting, delay(options.connectTimeoutMs ?? 2000)]);

  /** Redis error replies are bugs and stay as they are; anything else means Redis is out of reach. */
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ErrorReply) throw error;
      throw new StoreUnavailableError("redis", error);
    }
  };

  const queueChange = (multi: Multi, data: string) => {
    multi.publish(CHANGE_CHANNEL, data);
    multi.xAdd(
      CHANGE_STREAM,
      "*",
      { data },
      { TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: CHANGE_STREAM_MAX } },
    );
  };

  /** MGET in chunks (node-redis pipelines them into one write); missing ids come back as null. */
  const mget = async (keys: string[]) => (await Promise.all(chunks(keys).map((part) => client.mGet(part)))).flat();

  const getConversation = (id: string) => run(async () => decodeConversation(await client.get(conversationKey(id)), id));

  return {
    backend: "redis",
    getConversation,

    saveConversation: async (conversation, { pointer, change } = {}) => {
      // Serialised outside run(): a record that cannot be stored is a bug, not an outage.
      const data = JSON.stringify(conversation);
      return run(async () => {
        const id = conversation.conversationId;
        const multi = client.multi();
        multi.set(conversationKey(id), data, { expiration: { type: "PX", value: ttl } });
        multi.zAdd(CONVERSATION_INDEX, { score: Date.now() + ttl, value: id });
        if (pointer) multi.set(pointerKey(pointer), id, { expiration: { type: "PX", value: ttl } });
        multi.eval(POINTER_SCRIPT, { keys: POINTER_KEYS, arguments: [id, "expire", String(ttl)] });
        if (change) queueChange(multi, JSON.stringify(toChange("conversation", change, id)));
        await multi.exec();
      });
    },

    deleteConversation: (id) =>
      run(async () => {
        const multi = client.multi();
        multi.del(conversationKey(id));
        multi.zRem(CONVERSATION_INDEX, id);
        multi.eval(POINTER_SCRIPT, { keys: POINTER_KEYS, arguments: [id, "del", "0"] });
        const [deleted] = await multi.exec();
        return Number(deleted) > 0;
      }),

    getLastConversation: (queue) =>
      run(async () => {
        const id = await client.get(pointerKey(queue));
        if (!id) return null;
        const conversation = decodeConversation(await client.get(conversationKey(id)), id);
        // A pointer without its conversation (the original's pointers never expired): drop it.
        if (!conversation) await client.eval(POINTER_SCRIPT, { keys: [pointerKey(queue)], arguments: [id, "del", "0"] });
        return conversation;
      }),

    listConversations: (page = {}) =>
      run(async () => {
        const { offset, limit } = pageWindow(page);
        const multi = client.multi();
        multi.zRemRangeByScore(CONVERSATION_INDEX, "-inf", Date.now());
        multi.zCard(CONVERSATION_INDEX);
        // Most recently written first (highest expiry); ranks are fine for an index pruned just above.
        if (limit !== 0) multi.zRange(CONVERSATION_INDEX, offset, limit === undefined ? -1 : offset + limit - 1, { REV: true });
        const [, count, members] = await multi.exec();
        let total = Number(count);
        const ids = ((members ?? []) as unknown as unknown[]).map(String);
        if (ids.length === 0) return { conversations: [], total };
        const values = await mget(ids.map(conversationKey));
        const conversations: Conversation[] = [];
        const gone: string[] = [];
        ids.forEach((id, i) => {
          const conversation = decodeConversation(values[i], id);
          if (conversation) conversations.push(conversation);
          else if (values[i] == null) gone.push(id);
        });
        if (gone.length > 0) {
          await client.zRem(CONVERSATION_INDEX, gone);
          total -= gone.length;
        }
        return { conversations, total };
      }),

    getAgentConversation: (id) => run(async () => decodeAgentConversation(await client.get(agentConversationKey(id)), id)),

    saveAgentConversation: async (conversation, { change } = {}) => {
      const data = JSON.stringify(conversation);
      return run(async () => {
        const id = conversation.conversationId;
        const multi = client.multi();
        multi.set(agentConversationKey(id), data, { expiration: { type: "PX", value: ttl } });
        multi.zAdd(AGENT_CONVERSATION_INDEX, { score: Date.now() + ttl, value: id });
        if (change) queueChange(multi, JSON.stringify(toChange("agent_conversation", change, id)));
        await multi.exec();
      });
    },

    deleteAgentConversation: (id) =>
      run(async () => {
        const multi = client.multi();
        multi.del(agentConversationKey(id));
        multi.zRem(AGENT_CONVERSATION_INDEX, id);
        const [deleted] = await multi.exec();
        return Number(deleted) > 0;
      }),

    listAgentConversations: (list = {}) =>
      run(async () => {
        // Sorting by message count or dates needs every live record; one MGET round per 200 ids.
        const multi = client.multi();
        multi.zRemRangeByScore(AGENT_CONVERSATION_INDEX, "-inf", Date.now());
        multi.zRange(AGENT_CONVERSATION_INDEX, 0, -1);
        const [, members] = await multi.exec();
        const ids = (members as unknown as unknown[]).map(String);
        const values = ids.length > 0 ? await mget(ids.map(agentConversationKey)) : [];
        const live: AgentConversation[] = [];
        const gone: string[] = [];
        ids.forEach((id, i) => {
          const conversation = decodeAgentConversation(values[i], id);
          if (conversation) live.push(conversation);
          else if (values[i] == null) gone.push(id);
        });
        if (gone.length > 0) await client.zRem(AGENT_CONVERSATION_INDEX, gone);
        return { conversations: slice(sortAgentConversations(live, list), pageWindow(list)), total: live.length };
      }),

    publish: async (change) => {
      const data = JSON.stringify(change);
      return run(async () => {
        const multi = client.multi();
        queueChange(multi, data);
        await multi.exec();
      });
    },

    subscribe(listener) {
      listeners.add(listener);
      if (!subscribed) {
        // A second connection: a subscribed connection cannot run other commands. It queues while
        // offline so the SUBSCRIBE goes out once Redis is reachable; node-redis resubscribes after reconnects.
        const sub = client.duplicate({ disableOfflineQueue: false });
        subscriber = sub;
        sub.on("error", () => {}); // the main client reports outages
        subscribed = sub
          .connect()
          .then(() =>
            sub.subscribe(CHANGE_CHANNEL, (message: string) => {
              const change = decodeChange(message);
              if (!change) return;
              for (const each of [...listeners]) {
                try {
                  each(change);
                } catch (error) {
                  options.onError?.(error);
                }
              }
            }),
          )
          .catch((error: unknown) => options.onError?.(error));
      }
      const unsubscribe = (() => {
        listeners.delete(listener);
      }) as Unsubscribe;
      unsubscribe.ready = subscribed;
      return unsubscribe;
    },

    async close() {
      listeners.clear();
      for (const each of [subscriber, client]) {
        if (!each?.isOpen) continue;
        // close() waits for replies in flight; while disconnected there are none worth waiting for.
        if (each.isReady) await each.close().catch(() => each.destroy());
        else each.destroy();
      }
    },
  };
}
