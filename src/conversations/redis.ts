// Node-only: node-redis speaks RESP over TCP sockets (node:net); Workers use ./upstash.ts instead.
import { createClient, ErrorReply } from "redis";
import { CHANGE_CHANNEL } from "./keys";
import { updateAttempts } from "./optimistic";
import { decodeChange, ttlMs } from "./records";
import { createRedisStoreCore, guardTransport, type RedisTransport } from "./redis-core";
import {
  type ChangeListener,
  type ConversationStore,
  DEFAULT_TTL_SECONDS,
  DEFAULT_UPDATE_ATTEMPTS,
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
 * wrote is readable and vice versa. The logic is ./redis-core.ts, shared with the HTTP (Upstash)
 * store; this file adds the connection, outage mapping and pub/sub: change events arrive over the
 * pub/sub channel (HTTP instances poll the capped stream that every publish also writes).
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

  // Concurrent commands go out in one socket write (node-redis pipelines them by itself).
  const transport: RedisTransport = {
    call: (command) => client.sendCommand(command),
    pipeline: (commands) => Promise.all(commands.map((command) => client.sendCommand(command))),
    transaction: (commands) => {
      const multi = client.multi();
      for (const command of commands) multi.addCommand(command);
      return multi.exec();
    },
  };
  // Redis error replies are bugs and stay as they are; anything else means Redis is out of reach.
  const redis = guardTransport("redis", (error) => error instanceof ErrorReply, transport);

  return {
    ...createRedisStoreCore("redis", redis, ttl, updateAttempts(options.updateAttempts, DEFAULT_UPDATE_ATTEMPTS)),

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
