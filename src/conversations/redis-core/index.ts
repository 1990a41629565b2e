import {
  AGENT_CONVERSATION_INDEX,
  agentConversationKey,
  CHANGE_STREAM,
  CLAIM_SCRIPT,
  CONVERSATION_INDEX,
  conversationKey,
  INSERT_SCRIPT,
  POINTER_KEYS,
  pointerKey,
} from "../keys";
import { CONFLICT, retryOptimistic } from "../optimistic";
import { decodeAgentConversation, decodeConversation, pageWindow, slice, sortAgentConversations, toChange } from "../records";
import type { ConversationStore } from "../types";
import { changeCommands, members, pointerScript } from "./commands";
import { createRedisPrimitives } from "./primitives";
import type { RedisCommand, RedisTransport } from "./transport";

export { changeLogSource } from "./change-log";
export { guardTransport, type RedisCommand, type RedisTransport, sha1Hex } from "./transport";

/** The store minus the parts that differ per transport: change delivery and connection lifetime. */
export type RedisStoreCore = Omit<ConversationStore, "subscribe" | "close">;

/**
 * The conversation store over Redis, written once for both transports: the original's keys and JSON
 * values (§7.2, §8) with a TTL (`ttlMs`), the id indexes and pointer-expiry rules of ../keys.ts, every
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
  const { ttl, scriptArgs, update, write, remove, readIndex, load } = createRedisPrimitives(redis, ttlMs, attempts);

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
