import type { FeedSource } from "../feed";
import { CHANGE_STREAM } from "../keys";
import { decodeChange } from "../records";
import type { ConversationChange } from "../types";
import type { RedisTransport } from "./transport";

/** Stream entries as RESP: [[id, [field, value, …]], …]. */
type StreamEntries = [string, string[]][];

const CHANGE_PAGE = 200;

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
