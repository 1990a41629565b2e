import { StoreUnavailableError } from "./errors";
import type { FeedSource } from "./feed";
import {
  AGENT_CONVERSATION_INDEX,
  agentConversationKey,
  CHANGE_CHANNEL,
  CHANGE_STREAM,
  CHANGE_STREAM_MAX,
  CLAIM_SCRIPT,
  CONVERSATION_INDEX,
  chunks,
  conversationKey,
  INSERT_SCRIPT,
  POINTER_KEYS,
  POINTER_SCRIPT,
  pointerKey,
  UPDATE_SCRIPT,
} from "./keys";
import { CONFLICT, retryOptimistic } from "./optimistic";
import {
  decodeAgentConversation,
  decodeChange,
  decodeConversation,
  pageWindow,
  slice,
  sortAgentConversations,
  toChange,
} from "./records";
import type { ChangeKind, ConversationChange, ConversationStore, Update } from "./types";

/** A Redis command as the server reads it: name, then arguments. */
export type RedisCommand = string[];

/**
 * What the portable core needs from a Redis client; ./redis.ts (TCP) and ./upstash.ts (HTTP) each
 * implement it in a few lines. Replies are raw RESP2 values (strings, numbers, arrays, null).
 */
export interface RedisTransport {
  /** One command. A transport may batch calls made in the same tick into one round trip. */
  call(command: RedisCommand): Promise<unknown>;
  /** Independent commands in one round trip; replies in order. */
  pipeline(commands: RedisCommand[]): Promise<unknown[]>;
  /** Commands in one MULTI/EXEC; replies in order. */
  transaction(commands: RedisCommand[]): Promise<unknown[]>;
}

/** The store minus the parts that differ per transport: change delivery and connection lifetime. */
export type RedisStoreCore = Omit<ConversationStore, "subscribe" | "close">;

/**
 * Maps failures to the one error callers branch on: an error the server replied with is a bug and
 * stays as it is (`isReplyError`); failing to get any reply means Redis is out of reach.
 */
export function guardTransport(
  backend: string,
  isReplyError: (error: unknown) => boolean,
  transport: RedisTransport,
): RedisTransport {
  const guard =
    <A, R>(send: (arg: A) => Promise<R>) =>
    async (arg: A): Promise<R> => {
      try {
        return await send(arg);
      } catch (error) {
        if (isReplyError(error)) throw error;
        throw new StoreUnavailableError(backend, error);
      }
    };
  return {
    call: guard((command) => transport.call(command)),
    pipeline: guard((commands) => transport.pipeline(commands)),
    transaction: guard((commands) => transport.transaction(commands)),
  };
}

/** Stream entries as RESP: [[id, [field, value, …]], …]. */
type StreamEntries = [string, string[]][];

const CHANGE_PAGE = 200;

/** Every publisher writes both: the pub/sub channel (TCP subscribers) and the capped stream (HTTP pollers). */
const changeCommands = (data: string): RedisCommand[] => [
  ["PUBLISH", CHANGE_CHANNEL, data],
  ["XADD", CHANGE_STREAM, "MAXLEN", "~", String(CHANGE_STREAM_MAX), "*", "data", data],
];

/** POINTER_SCRIPT (./keys.ts) over `keys`: give matching pointers the conversation's TTL, or delete them. */
const pointerScript = (keys: string[], id: string, mode: "expire" | "del", ttl = "0"): RedisCommand => [
  "EVAL",
  POINTER_SCRIPT,
  String(keys.length),
  ...keys,
  id,
  mode,
  ttl,
];

const members = (reply: unknown): string[] => ((reply ?? []) as unknown[]).map(String);

/**
 * SHA-1 of a value as Redis's `redis.sha1hex` computes it (over its UTF-8 bytes), with WebCrypto so
 * every runtime has it. Only an equality check for compare-and-set, not a security measure.
 */
export async function sha1Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(value)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The conversation store over Redis, written once for both transports: the original's keys and JSON
 * values (§7.2, §8) with a TTL (`ttlMs`), the id indexes and pointer-expiry rules of ./keys.ts, every
 * write in one MULTI/EXEC, every list in one transaction plus one pipeline of MGETs (each HTTP call
 * costs about a millisecond). `redis` should come from `guardTransport`.
 *
 * @example
 * const redis = guardTransport("redis", (e) => e instanceof ErrorReply, transport);
 * const store = { ...createRedisStoreCore("redis", redis, 3_600_000), subscribe, close };
 */
export function createRedisStoreCore(
  backend: "redis" | "upstash",
  redis: RedisTransport,
  ttlMs: number,
  attempts: number,
): RedisStoreCore {
  const ttl = String(ttlMs);

  /** A write script's ARGV after its first: value, TTL, index score, id, change JSON ('' for none), channel, cap. */
  const scriptArgs = (data: string, id: string, change: ConversationChange | undefined) => [
    data,
    ttl,
    String(Date.now() + ttlMs),
    id,
    change ? JSON.stringify(change) : "",
    CHANGE_CHANNEL,
    String(CHANGE_STREAM_MAX),
  ];

  /** One family's optimistic update: GET, apply, UPDATE_SCRIPT; retried while the script reports a conflict. */
  const update = <T>(spec: {
    id: string;
    key: string;
    index: string;
    pointers: string[];
    decode: (raw: unknown, id: string) => T | null;
    apply: Update<T>;
    family: "conversation" | "agent_conversation";
    change: Exclude<ChangeKind, "created"> | undefined;
  }) =>
    retryOptimistic(spec.id, attempts, async () => {
      const raw = await redis.call(["GET", spec.key]);
      const current = spec.decode(raw, spec.id);
      if (!current || typeof raw !== "string") return null;
      const next = await spec.apply(current);
      const data = JSON.stringify(next); // before any command: an unstorable record is a bug, not an outage
      const change = spec.change ? toChange(spec.family, spec.change, spec.id) : undefined;
      const reply = Number(
        await redis.call([
          "EVAL",
          UPDATE_SCRIPT,
          String(3 + spec.pointers.length),
          spec.key,
          spec.index,
          CHANGE_STREAM,
          ...spec.pointers,
          await sha1Hex(raw),
          ...scriptArgs(data, spec.id, change),
        ]),
      );
      return reply === 1 ? next : reply === -1 ? null : CONFLICT;
    });

  /** SET with the TTL, and the index entry scored by the record's expiry. */
  const write = (key: string, index: string, id: string, data: string): RedisCommand[] => [
    ["SET", key, data, "PX", ttl],
    ["ZADD", index, String(Date.now() + ttlMs), id],
  ];

  /** Runs a transaction that starts with a DEL; true if something was deleted. */
  const remove = async (commands: RedisCommand[]) => {
    const [deleted] = await redis.transaction(commands);
    return Number(deleted) > 0;
  };

  /** Drops expired ids (index scores are expiry times), then `read`s the index, in one transaction. */
  const readIndex = (index: string, ...read: RedisCommand[]) =>
    redis.transaction([["ZREMRANGEBYSCORE", index, "-inf", String(Date.now())], ...read]);

  /**
   * Loads the records behind `ids` (one pipeline of MGETs, 200 ids each) and removes ids whose value
   * has vanished from `index`. Unparsable records are skipped but stay indexed.
   */
  const load = async <T>(
    index: string,
    key: (id: string) => string,
    decode: (raw: unknown, id: string) => T | null,
    ids: string[],
  ) => {
    if (ids.length === 0) return { live: [] as T[], gone: 0 };
    const replies = await redis.pipeline(chunks(ids.map(key)).map((part) => ["MGET", ...part]));
    const values = (replies as unknown[][]).flat();
    const live: T[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const record = decode(values[i], id);
      if (record) live.push(record);
      else if (values[i] == null) gone.push(id);
    });
    if (gone.length > 0) await redis.call(["ZREM", index, ...gone]);
    return { live, gone: gone.length };
  };

  return {
    backend,

    getConversation: async (id) => decodeConversation(await redis.call(["GET", conversationKey(id)]), id),

    saveConversation: async (conversation, { pointer, change } = {}) => {
      // Serialised before any command: a record that cannot be stored is a bug, not an outage.
      const data = JSON.stringify(conversation);
      const id = conversation.conversationId;
      const commands = write(conversationKey(id), CONVERSATION_INDEX, id, data);
      if (pointer) commands.push(["SET", pointerKey(pointer), id, "PX", ttl]);
      commands.push(pointerScript(POINTER_KEYS, id, "expire", ttl));
      if (change) commands.push(...changeCommands(JSON.stringify(toChange("conversation", change, id))));
      await redis.transaction(commands);
    },

    updateConversation: (id, apply, { change } = {}) =>
      update({
        id,
        key: conversationKey(id),
        index: CONVERSATION_INDEX,
        pointers: POINTER_KEYS,
        decode: decodeConversation,
        apply,
        family: "conversation",
        change,
      }),

    insertConversation: async (conversation, { change } = {}) => {
      const data = JSON.stringify(conversation);
      const id = conversation.conversationId;
      const reply = await redis.call([
        "EVAL",
        INSERT_SCRIPT,
        String(3 + POINTER_KEYS.length),
        conversationKey(id),
        CONVERSATION_INDEX,
        CHANGE_STREAM,
        ...POINTER_KEYS,
        "",
        ...scriptArgs(data, id, change ? toChange("conversation", change, id) : undefined),
      ]);
      return Number(reply) === 1;
    },

    claimLastConversation: async (queue, candidate, { change } = {}) => {
      const data = JSON.stringify(candidate);
      const id = candidate.conversationId;
      const pointer = pointerKey(queue);
      const claim = await retryOptimistic(id, attempts, async () => {
        const seen = (await redis.call(["GET", pointer])) as string | null;
        if (seen) {
          const existing = decodeConversation(await redis.call(["GET", conversationKey(seen)]), seen);
          if (existing) return { conversation: existing, created: false };
        }
        // Free (no pointer, or one at a conversation that is gone): claim it unless someone did first.
        const reply = await redis.call([
          "EVAL",
          CLAIM_SCRIPT,
          "4",
          pointer,
          conversationKey(id),
          CONVERSATION_INDEX,
          CHANGE_STREAM,
          seen ?? "",
          ...scriptArgs(data, id, change ? toChange("conversation", change, id) : undefined),
        ]);
        // Lost: the next attempt reads the winner.
        return Number(reply) === 1 ? { conversation: candidate, created: true } : CONFLICT;
      });
      if (!claim) throw new Error(`Could not claim the ${queue} queue's conversation`); // attempts never return null
      return claim;
    },

    deleteConversation: (id) =>
      remove([["DEL", conversationKey(id)], ["ZREM", CONVERSATION_INDEX, id], pointerScript(POINTER_KEYS, id, "del")]),

    getLastConversation: async (queue) => {
      const id = (await redis.call(["GET", pointerKey(queue)])) as string | null;
      if (!id) return null;
      const conversation = decodeConversation(await redis.call(["GET", conversationKey(id)]), id);
      // A pointer without its conversation (the original's pointers never expired): drop it.
      if (!conversation) await redis.call(pointerScript([pointerKey(queue)], id, "del"));
      return conversation;
    },

    listConversations: async (page = {}) => {
      const { offset, limit } = pageWindow(page);
      // Most recently written first (highest expiry); ranks are fine for an index pruned just before.
      const range: RedisCommand[] =
        limit === 0
          ? []
          : [["ZRANGE", CONVERSATION_INDEX, String(offset), String(limit === undefined ? -1 : offset + limit - 1), "REV"]];
      const [, count, ids] = await readIndex(CONVERSATION_INDEX, ["ZCARD", CONVERSATION_INDEX], ...range);
      const { live, gone } = await load(CONVERSATION_INDEX, conversationKey, decodeConversation, members(ids));
      return { conversations: live, total: Number(count) - gone };
    },

    getAgentConversation: async (id) => decodeAgentConversation(await redis.call(["GET", agentConversationKey(id)]), id),

    saveAgentConversation: async (conversation, { change } = {}) => {
      const data = JSON.stringify(conversation);
      const id = conversation.conversationId;
      const commands = write(agentConversationKey(id), AGENT_CONVERSATION_INDEX, id, data);
      if (change) commands.push(...changeCommands(JSON.stringify(toChange("agent_conversation", change, id))));
      await redis.transaction(commands);
    },

    updateAgentConversation: (id, apply, { change } = {}) =>
      update({
        id,
        key: agentConversationKey(id),
        index: AGENT_CONVERSATION_INDEX,
        pointers: [],
        decode: decodeAgentConversation,
        apply,
        family: "agent_conversation",
        change,
      }),

    deleteAgentConversation: (id) =>
      remove([
        ["DEL", agentConversationKey(id)],
        ["ZREM", AGENT_CONVERSATION_INDEX, id],
      ]),

    listAgentConversations: async (list = {}) => {
      // Sorting by message count or dates needs every live record; one MGET per 200 ids, one pipeline.
      const [, ids] = await readIndex(AGENT_CONVERSATION_INDEX, ["ZRANGE", AGENT_CONVERSATION_INDEX, "0", "-1"]);
      const { live } = await load(AGENT_CONVERSATION_INDEX, agentConversationKey, decodeAgentConversation, members(ids));
      return { conversations: slice(sortAgentConversations(live, list), pageWindow(list)), total: live.length };
    },

    publish: async (change) => {
      const data = JSON.stringify(change);
      await redis.transaction(changeCommands(data));
    },
  };
}

/**
 * The capped change stream as a polling source (./feed.ts), for transports without push: starts at
 * the stream's last entry, then reads up to 200 entries per call after the last id seen.
 */
export function changeLogSource(redis: RedisTransport): FeedSource<string> {
  return {
    head: async () => {
      const [last] = (await redis.call(["XREVRANGE", CHANGE_STREAM, "+", "-", "COUNT", "1"])) as StreamEntries;
      return last?.[0] ?? "0-0";
    },
    after: async (cursor) => {
      const entries = (await redis.call([
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
    },
  };
}
