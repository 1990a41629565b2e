import { CHANGE_CHANNEL, CHANGE_STREAM, CHANGE_STREAM_MAX, chunks, UPDATE_SCRIPT } from "../keys";
import { CONFLICT, retryOptimistic } from "../optimistic";
import { toChange } from "../records";
import type { ChangeKind, ConversationChange, Update } from "../types";
import { type RedisCommand, type RedisTransport, sha1Hex } from "./transport";

/**
 * The building blocks every method of the Redis store is made of: the write scripts' arguments, the
 * optimistic update, TTL'd writes with their index entry, index reads that prune expired ids, and
 * batched loads. `ttlMs` is the records' lifetime; `attempts` bounds retries of a lost update race.
 */
export function createRedisPrimitives(redis: RedisTransport, ttlMs: number, attempts: number) {
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

  return { ttl, scriptArgs, update, write, remove, readIndex, load };
}
