import { errors, Redis } from "@upstash/redis";
import { createPollingFeed } from "./feed";
import { updateAttempts } from "./optimistic";
import { ttlMs } from "./records";
import { changeLogSource, createRedisStoreCore, guardTransport, type RedisCommand, type RedisTransport } from "./redis-core";
import {
  type ConversationStore,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_TTL_SECONDS,
  DEFAULT_UPDATE_ATTEMPTS,
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

type Reply = { result?: unknown; error?: string };

/**
 * `@upstash/redis` as a plain command transport: its HTTP requester (auth, retry, timeout, base64
 * replies, read-your-writes token) with raw batches, which its typed pipelines cannot queue.
 */
class RestClient extends Redis {
  send(path: "pipeline" | "multi-exec", commands: RedisCommand[]): Promise<Reply[]> {
    return this.client.request({ path: [path], body: commands }) as unknown as Promise<Reply[]>;
  }
}

/** A reply's result, or its Redis error as the client would throw it. */
const unwrap = ({ result, error }: Reply, command?: RedisCommand) => {
  if (error) throw new errors.UpstashError(`Command ${command?.[0] ?? ""} failed: ${error}`);
  return result;
};

/**
 * Commands over Upstash's REST API, one HTTP call per batch. Single commands issued in the same tick
 * share one pipeline request (as the client's auto-pipelining did), each failing on its own error.
 */
function restTransport(client: RestClient): RedisTransport {
  let queued: { command: RedisCommand; resolve: (reply: Reply) => void; reject: (error: unknown) => void }[] = [];
  const flush = async () => {
    const batch = queued;
    queued = [];
    try {
      const replies = await client.send(
        "pipeline",
        batch.map((each) => each.command),
      );
      for (const [i, each] of batch.entries()) {
        const reply = replies[i];
        if (reply) each.resolve(reply);
        else each.reject(new Error("Upstash sent no reply for this command"));
      }
    } catch (error) {
      for (const each of batch) each.reject(error);
    }
  };
  return {
    call: (command) =>
      new Promise<Reply>((resolve, reject) => {
        if (queued.push({ command, resolve, reject }) === 1) queueMicrotask(() => void flush());
      }).then((reply) => unwrap(reply, command)),
    pipeline: async (commands) => (await client.send("pipeline", commands)).map((reply, i) => unwrap(reply, commands[i])),
    transaction: async (commands) => (await client.send("multi-exec", commands)).map((reply, i) => unwrap(reply, commands[i])),
  };
}

/**
 * Conversation store on Redis over HTTP (`@upstash/redis`), for Workers and anywhere TCP is not an
 * option. The logic is ./redis-core.ts, shared with the TCP store, so the two read each other's data.
 * Each HTTP call costs about a millisecond, so every hot path is one or two calls: writes are one
 * MULTI/EXEC, lists are one transaction plus one pipeline of MGETs. HTTP has no push, so change
 * notifications are read by polling the capped change stream (delay ≤ `pollIntervalMs`); publishes
 * also go to the pub/sub channel for TCP instances. Runtime-neutral.
 *
 * @example
 * const store = createUpstashConversationStore({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
 */
export function createUpstashConversationStore(options: UpstashStoreOptions): ConversationStore {
  const ttl = ttlMs(options.ttlSeconds, DEFAULT_TTL_SECONDS);
  const timeout = options.requestTimeoutMs ?? 5000;
  const client = new RestClient({
    url: options.url,
    token: options.token,
    // We store JSON strings ourselves, byte-compatible with the original; no implicit JSON.parse.
    automaticDeserialization: false,
    enableTelemetry: false,
    // Batching is restTransport's; the client's proxy would hide `send`.
    enableAutoPipelining: false,
    // One quick retry for a dropped keep-alive connection; beyond that, fail fast (the caller decides).
    retry: { retries: 1, backoff: () => 100 },
    signal: () => AbortSignal.timeout(timeout),
  });

  // A Redis error reply stays as it is; a gateway's HTML error page is an outage, not a Redis error.
  const isReplyError = (error: unknown) =>
    error instanceof errors.UpstashError && !(error instanceof errors.UpstashJSONParseError);
  const redis = guardTransport("upstash", isReplyError, restTransport(client));
  const feed = createPollingFeed(changeLogSource(redis), {
    intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    onError: options.onError,
  });

  return {
    ...createRedisStoreCore("upstash", redis, ttl, updateAttempts(options.updateAttempts, DEFAULT_UPDATE_ATTEMPTS)),
    subscribe: (listener) => feed.subscribe(listener),
    async close() {
      feed.close(); // HTTP holds no connection worth closing
    },
  };
}
