import type { QueueType } from "./types";

/**
 * Redis key names, shared by the TCP and the HTTP (Upstash) stores so each reads the other's data.
 * The value keys and pointer keys are the original service's (§7.2, §8); the indexes and the change
 * channel/stream are ours.
 *
 * Index: a sorted set of ids scored by each conversation's expiry time (epoch ms of its last write +
 * TTL). Expired ids are removed on read with ZREMRANGEBYSCORE -inf now, and ids whose value key has
 * vanished anyway (deleted, or clocks disagreeing) are removed when a read finds them missing. The set
 * itself never expires, so it can neither vanish nor keep dead ids for long (§12 items 16, 25).
 * Records written by the original (no index entry) are still readable by id, and join the index the
 * first time we write them.
 */
export const conversationKey = (id: string) => `cursor:conversation:${id}`;
export const agentConversationKey = (id: string) => `agent:conversation:${id}`;

export const CONVERSATION_INDEX = "cursor:conversations:index";
export const AGENT_CONVERSATION_INDEX = "agent:conversations:index";

/** §7.2: `default` (and any unknown queue) uses the bare key. */
export const pointerKey = (queue: QueueType) =>
  queue === "telegram"
    ? "cursor:telegram:last_conversation_id"
    : queue === "api"
      ? "cursor:api:last_conversation_id"
      : "cursor:last_conversation_id";

export const POINTER_KEYS = [pointerKey("default"), pointerKey("telegram"), pointerKey("api")];

/** Pub/sub channel (TCP subscribers) and capped stream (HTTP pollers); every publisher writes both. */
export const CHANGE_CHANNEL = "cursor:conversations:changes";
export const CHANGE_STREAM = "cursor:conversations:changes:log";
export const CHANGE_STREAM_MAX = 1000;

/**
 * Keeps pointers alive exactly as long as the conversation they name: on every save, each pointer
 * that names the saved id gets the same TTL (ARGV[2] = "expire"); on delete, such pointers go too
 * (ARGV[2] = "del"). Pointers written by the original have no TTL; they are adopted on first save.
 * KEYS = POINTER_KEYS, ARGV = [id, mode, ttlMs].
 */
export const POINTER_SCRIPT = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    if ARGV[2] == 'del' then redis.call('DEL', key) else redis.call('PEXPIRE', key, ARGV[3]) end
  end
end
return 0`;

/** Ids per MGET, so one huge list never becomes one huge reply. */
export const MGET_CHUNK = 200;

export const chunks = <T>(items: T[], size = MGET_CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};
