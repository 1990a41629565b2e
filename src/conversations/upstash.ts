import { errors, Redis } from "@upstash/redis";
import { StoreUnavailableError } from "./errors";
import { createPollingFeed } from "./feed";
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
  type Conversation,
  type ConversationChange,
  type ConversationStore,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_TTL_SECONDS,
  type StoreOptions,
} from "./types";

export interface UpstashStoreOptions extends StoreOptions {
  /** UPSTASH_REDIS_REST_URL */
  url: string;
  /** UPSTASH_REDIS_REST_TOKEN */
  token: string;
  /** A request without an answer within this fails as unavailable. Default 5000. */
  requestTimeoutMs?: number;
}

type Pipeline = ReturnType<Redis["multi"]>;

/** Stream entries as RESP: [[id, [field, value, …]], …]. */
type StreamEntries = [string, string[]][];

const CHANGE_PAGE = 200;

/**
 * Conversation store on Redis over HTTP (`@upstash/redis`), for Workers and anywhere TCP is not an
 * option. Same keys, values and indexes as the TCP store (./keys.ts), so the two read each other's
 * data. Each HTTP call costs about a millisecond, so every hot path is one or two calls: writes are
 * one MULTI/EXEC, lists are one pipeline plus one MGET. HTTP has no push, so change notifications
 * are read by polling the capped change stream (delay ≤ `pollIntervalMs`); publishes also go to the
 * pub/sub channel for TCP instances. Runtime-neutral.
 *
 * @example
 * const store = createUpstashConversationStore({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
 */
export function createUpstashConversationStore(options: UpstashStoreOptions): ConversationStore {
  const ttl = ttlMs(options.ttlSeconds, DEFAULT_TTL_SECONDS);
  const timeout = options.requestTimeoutMs ?? 5000;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    // We store JSON strings ourselves, byte-compatible with the original; no implicit JSON.parse.
    automaticDeserialization: false,
    enableTelemetry: false,
    // One quick retry for a dropped keep-alive connection; beyond that, fail fast (the caller decides).
    retry: { retries: 1, backoff: () => 100 },
    signal: () => AbortSignal.timeout(timeout),
  });

  /** A Redis error reply stays as it is; failing to get any reply means the backend is out of reach. */
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      // A gateway's HTML error page is an outage too, not a Redis error.
      if (error instanceof errors.UpstashError && !(error instanceof errors.UpstashJSONParseError)) throw error;
      throw new StoreUnavailableError("upstash", error);
    }
  };

  const queueChange = (pipe: Pipeline, data: string) => {
    pipe.publish(CHANGE_CHANNEL, data);
    pipe.xadd(CHANGE_STREAM, "*", { data }, { trim: { type: "MAXLEN", comparison: "~", threshold: CHANGE_STREAM_MAX } });
  };

  /** One pipeline of MGETs, however many ids. */
  const mget = async (keys: string[]): Promise<(string | null)[]> => {
    if (keys.length === 0) return [];
    const pipe = redis.pipeline();
    for (const part of chunks(keys)) pipe.mget(part);
    return ((await pipe.exec()) as (string | null)[][]).flat();
  };

  const feed = createPollingFeed<string>(
    {
      head: () =>
        run(async () => {
          const [last] = (await redis.exec(["XREVRANGE", CHANGE_STREAM, "+", "-", "COUNT", "1"])) as StreamEntries;
          return last?.[0] ?? "0-0";
        }),
      after: (cursor) =>
        run(async () => {
          const entries = (await redis.exec([
            "XRANGE",
            CHANGE_STREAM,
            `(${cursor}`,
            "+",
            "COUNT",
            String(CHANGE_PAGE),
          ])) as StreamEntries;
          const changes = entries
            .map(([, fields]) => decodeChange(fields[fields.indexOf("data") + 1]))
            .filter((c): c is ConversationChange => c !== null);
          return { changes, cursor: entries.at(-1)?.[0] ?? cursor, more: entries.length === CHANGE_PAGE };
        }),
    },
    { intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, onError: options.onError },
  );

  return {
    backend: "upstash",

    getConversation: (id) => run(async () => decodeConversation(await redis.get<string>(conversationKey(id)), id)),

    saveConversation: async (conversation, { pointer, change } = {}) => {
      // Serialised outside run(): a record that cannot be stored is a bug, not an outage.
      const data = JSON.stringify(conversation);
      return run(async () => {
        const id = conversation.conversationId;
        const multi = redis.multi();
        multi.set(conversationKey(id), data, { px: ttl });
        multi.zadd(CONVERSATION_INDEX, { score: Date.now() + ttl, member: id });
        if (pointer) multi.set(pointerKey(pointer), id, { px: ttl });
        multi.eval(POINTER_SCRIPT, POINTER_KEYS, [id, "expire", String(ttl)]);
        if (change) queueChange(multi, JSON.stringify(toChange("conversation", change, id)));
        await multi.exec();
      });
    },

    deleteConversation: (id) =>
      run(async () => {
        const multi = redis.multi();
        multi.del(conversationKey(id));
        multi.zrem(CONVERSATION_INDEX, id);
        multi.eval(POINTER_SCRIPT, POINTER_KEYS, [id, "del", "0"]);
        const [deleted] = (await multi.exec()) as unknown[];
        return Number(deleted) > 0;
      }),

    getLastConversation: (queue) =>
      run(async () => {
        const id = await redis.get<string>(pointerKey(queue));
        if (!id) return null;
        const conversation = decodeConversation(await redis.get<string>(conversationKey(id)), id);
        if (!conversation) await redis.eval(POINTER_SCRIPT, [pointerKey(queue)], [id, "del", "0"]);
        return conversation;
      }),

    listConversations: (page = {}) =>
      run(async () => {
        const { offset, limit } = pageWindow(page);
        const pipe = redis.pipeline();
        pipe.zremrangebyscore(CONVERSATION_INDEX, "-inf", Date.now());
        pipe.zcard(CONVERSATION_INDEX);
        if (limit !== 0) pipe.zrange(CONVERSATION_INDEX, offset, limit === undefined ? -1 : offset + limit - 1, { rev: true });
        const [, count, members] = (await pipe.exec()) as [unknown, number, unknown[] | undefined];
        let total = Number(count);
        const ids = (members ?? []).map(String);
        const values = await mget(ids.map(conversationKey));
        const conversations: Conversation[] = [];
        const gone: string[] = [];
        ids.forEach((id, i) => {
          const conversation = decodeConversation(values[i], id);
          if (conversation) conversations.push(conversation);
          else if (values[i] == null) gone.push(id);
        });
        if (gone.length > 0) {
          await redis.zrem(CONVERSATION_INDEX, ...gone);
          total -= gone.length;
        }
        return { conversations, total };
      }),

    getAgentConversation: (id) => run(async () => decodeAgentConversation(await redis.get<string>(agentConversationKey(id)), id)),

    saveAgentConversation: async (conversation, { change } = {}) => {
      const data = JSON.stringify(conversation);
      return run(async () => {
        const id = conversation.conversationId;
        const multi = redis.multi();
        multi.set(agentConversationKey(id), data, { px: ttl });
        multi.zadd(AGENT_CONVERSATION_INDEX, { score: Date.now() + ttl, member: id });
        if (change) queueChange(multi, JSON.stringify(toChange("agent_conversation", change, id)));
        await multi.exec();
      });
    },

    deleteAgentConversation: (id) =>
      run(async () => {
        const multi = redis.multi();
        multi.del(agentConversationKey(id));
        multi.zrem(AGENT_CONVERSATION_INDEX, id);
        const [deleted] = (await multi.exec()) as unknown[];
        return Number(deleted) > 0;
      }),

    listAgentConversations: (list = {}) =>
      run(async () => {
        const pipe = redis.pipeline();
        pipe.zremrangebyscore(AGENT_CONVERSATION_INDEX, "-inf", Date.now());
        pipe.zrange(AGENT_CONVERSATION_INDEX, 0, -1);
        const [, members] = (await pipe.exec()) as [unknown, unknown[]];
        const ids = members.map(String);
        const values = await mget(ids.map(agentConversationKey));
        const live: AgentConversation[] = [];
        const gone: string[] = [];
        ids.forEach((id, i) => {
          const conversation = decodeAgentConversation(values[i], id);
          if (conversation) live.push(conversation);
          else if (values[i] == null) gone.push(id);
        });
        if (gone.length > 0) await redis.zrem(AGENT_CONVERSATION_INDEX, ...gone);
        return { conversations: slice(sortAgentConversations(live, list), pageWindow(list)), total: live.length };
      }),

    publish: async (change) => {
      const data = JSON.stringify(change);
      return run(async () => {
        const multi = redis.multi();
        queueChange(multi, data);
        await multi.exec();
      });
    },

    subscribe: (listener) => feed.subscribe(listener),

    async close() {
      feed.close(); // HTTP holds no connection worth closing
    },
  };
}
