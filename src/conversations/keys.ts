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

/**
 * Lua shared by the write scripts below: the index entry, the pointer-TTL rule of POINTER_SCRIPT for
 * pointer keys from KEYS[first] on, and the change event (both transports' channels). Expects
 * locals `id`, `ttl`, `score`, `change`, `channel`, `cap` and the stream key in `stream`.
 */
const AFTER_WRITE = `
redis.call('ZADD', index, score, id)
for i = first, #KEYS do
  if redis.call('GET', KEYS[i]) == id then redis.call('PEXPIRE', KEYS[i], ttl) end
end
if change ~= '' then
  redis.call('PUBLISH', channel, change)
  redis.call('XADD', stream, 'MAXLEN', '~', cap, '*', 'data', change)
end`;

/**
 * Compare-and-set of a conversation value: writes ARGV[2] (with the TTL, index entry, pointer TTLs
 * and change event of a save) only if the stored value still hashes to ARGV[1], the SHA-1 of what
 * the client read. Returns 1 when written, 0 when someone wrote in between, -1 when the value is gone.
 * KEYS = [value, index, change stream, ...pointers]; ARGV = [sha1, value, ttlMs, index score, id,
 * change JSON or '', channel, stream cap].
 */
export const UPDATE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if redis.sha1hex(current) ~= ARGV[1] then return 0 end
local index, stream, first = KEYS[2], KEYS[3], 4
local ttl, score, id, change, channel, cap = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
${AFTER_WRITE}
return 1`;

/**
 * Writes a conversation value only if the key is free (SET … NX), with a save's index entry,
 * pointer TTLs and change event. Returns 1 when written, 0 when a value was there.
 * KEYS and ARGV as UPDATE_SCRIPT (ARGV[1] unused).
 */
export const INSERT_SCRIPT = `
local index, stream, first = KEYS[2], KEYS[3], 4
local ttl, score, id, change, channel, cap = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
if not redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl, 'NX') then return 0 end
${AFTER_WRITE}
return 1`;

/**
 * Makes the candidate conversation the queue's, if the pointer still holds what the client saw
 * (ARGV[1]: the id of a conversation that is gone, or '' for no pointer) — `SET NX` generalised to
 * "free or dead". Writes the candidate value, its index entry, the pointer (same TTL) and the change
 * event; returns 1, or 0 when another instance claimed the queue first (nothing written).
 * KEYS = [pointer, candidate value, index, change stream]; ARGV as UPDATE_SCRIPT.
 */
export const CLAIM_SCRIPT = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
local index, stream, first = KEYS[3], KEYS[4], 5
local ttl, score, id, change, channel, cap = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl)
redis.call('SET', KEYS[1], id, 'PX', ttl)
${AFTER_WRITE}
return 1`;
