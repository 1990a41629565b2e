import type { Client } from "@libsql/client";
import { createPollingFeed } from "../feed";
import { decodeChange } from "../records";
import { type ConversationChange, DEFAULT_POLL_INTERVAL_MS, type StoreOptions } from "../types";
import { guarded } from "./sql";

/** Changes read per poll; a full page polls again at once. */
const CHANGE_PAGE = 200;

/** The capped `conversation_changes` table, polled by each subscribed instance. */
export function createChangeFeed(db: Client, options: StoreOptions) {
  return createPollingFeed<number>(
    {
      head: () =>
        guarded(async () =>
          Number((await db.execute("SELECT COALESCE(MAX(seq), 0) AS seq FROM conversation_changes")).rows[0]?.seq ?? 0),
        ),
      after: (cursor) =>
        guarded(async () => {
          const result = await db.execute({
            sql: "SELECT seq, data FROM conversation_changes WHERE seq > ? ORDER BY seq LIMIT ?",
            args: [cursor, CHANGE_PAGE],
          });
          const changes = result.rows.map((row) => decodeChange(row.data)).filter((c): c is ConversationChange => c !== null);
          const last = result.rows.at(-1);
          return { changes, cursor: last ? Number(last.seq) : cursor, more: result.rows.length === CHANGE_PAGE };
        }),
    },
    { intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, onError: options.onError },
  );
}
