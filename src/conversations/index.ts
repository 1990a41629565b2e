import type { Client } from "@libsql/client";
import type { Config } from "../config";
import { createLibsqlConversationStore } from "./libsql";
import type { RedisStoreOptions } from "./redis";
import type { ConversationStore, StoreOptions } from "./types";
import { createUpstashConversationStore } from "./upstash";

export { createAgentConversationService } from "./agent-service";
export { buildContextString, isContextWindowError } from "./context";
export * from "./errors";
export { createLibsqlConversationStore } from "./libsql";
export { createConversationService, toQueueType } from "./service";
export * from "./types";
export { createUpstashConversationStore } from "./upstash";

export interface ConversationStoreDeps {
  /** The service's libSQL database (used when no Redis is configured). */
  db: Client;
  /**
   * `createRedisConversationStore` from ./redis.ts. Node-only (TCP), so the Node wiring passes it in
   * and Worker bundles never import it.
   */
  createRedisStore?: (options: RedisStoreOptions) => Promise<ConversationStore>;
  /** TTL, poll interval, background error reporting. */
  options?: StoreOptions;
}

/**
 * Picks the conversation backend from config: Redis over HTTP when UPSTASH_REDIS_REST_URL and
 * UPSTASH_REDIS_REST_TOKEN are set, Redis over TCP when REDIS_URL is set, else the libSQL database.
 *
 * @example
 * // Node
 * import { createRedisConversationStore } from "./conversations/redis";
 * const store = await createConversationStore(config, { db, createRedisStore: createRedisConversationStore });
 */
export async function createConversationStore(
  config: Pick<Config, "redis">,
  deps: ConversationStoreDeps,
): Promise<ConversationStore> {
  const options = deps.options ?? {};
  const { upstash, url } = config.redis;
  if (upstash) return createUpstashConversationStore({ ...options, url: upstash.url, token: upstash.token });
  if (url) {
    if (!deps.createRedisStore) {
      throw new Error(
        "REDIS_URL needs a TCP connection, which this runtime lacks; set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN instead",
      );
    }
    return deps.createRedisStore({ ...options, url });
  }
  return createLibsqlConversationStore(deps.db, options);
}
