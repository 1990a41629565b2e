import type { Client } from "@libsql/client";
import { updateAttempts } from "../optimistic";
import { ttlMs } from "../records";
import {
  type ConversationChange,
  type ConversationStore,
  DEFAULT_TTL_SECONDS,
  DEFAULT_UPDATE_ATTEMPTS,
  type StoreOptions,
} from "../types";
import { agentConversationMethods } from "./agent-conversations";
import { createChangeFeed } from "./change-feed";
import { conversationMethods } from "./conversations";
import { changeStatements, guarded } from "./sql";

/**
 * Conversation store in the service's own libSQL database (migration 0010) — the default when no
 * Redis is configured. Expiry is emulated with `expires_at`: reads ignore expired rows, every write
 * purges them. Change notifications are a capped table polled by each subscribed instance.
 * Atomic updates are a guarded UPDATE (`WHERE data = <what was read>`) in one write batch; the
 * statements after it run only when it matched (`WHERE changes() > 0`), so a lost race leaves no
 * trace, not even a change event. Creating the queue's conversation is `INSERT … ON CONFLICT DO
 * NOTHING` on the pointer, with the conversation written in the same batch only by the winner.
 * Runtime-neutral: works with `@libsql/client` (file, sqld) and `@libsql/client/web`.
 *
 * @example
 * const store = createLibsqlConversationStore(db, { ttlSeconds: 3600 });
 * await store.saveConversation(conversation, { pointer: "api", change: "created" });
 */
export function createLibsqlConversationStore(db: Client, options: StoreOptions = {}): ConversationStore {
  const context = {
    db,
    ttl: ttlMs(options.ttlSeconds, DEFAULT_TTL_SECONDS),
    attempts: updateAttempts(options.updateAttempts, DEFAULT_UPDATE_ATTEMPTS),
  };
  const feed = createChangeFeed(db, options);

  return {
    backend: "libsql",
    ...conversationMethods(context),
    ...agentConversationMethods(context),

    publish: (change: ConversationChange) =>
      guarded(async () => {
        await db.batch(changeStatements(change), "write");
      }),

    subscribe: (listener) => feed.subscribe(listener),

    async close() {
      feed.close(); // the client belongs to the caller
    },
  };
}
