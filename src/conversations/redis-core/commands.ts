import { CHANGE_CHANNEL, CHANGE_STREAM, CHANGE_STREAM_MAX, POINTER_SCRIPT } from "../keys";
import type { RedisCommand } from "./transport";

/** Every publisher writes both: the pub/sub channel (TCP subscribers) and the capped stream (HTTP pollers). */
export const changeCommands = (data: string): RedisCommand[] => [
  ["PUBLISH", CHANGE_CHANNEL, data],
  ["XADD", CHANGE_STREAM, "MAXLEN", "~", String(CHANGE_STREAM_MAX), "*", "data", data],
];

/** POINTER_SCRIPT (../keys.ts) over `keys`: give matching pointers the conversation's TTL, or delete them. */
export const pointerScript = (keys: string[], id: string, mode: "expire" | "del", ttl = "0"): RedisCommand => [
  "EVAL",
  POINTER_SCRIPT,
  String(keys.length),
  ...keys,
  id,
  mode,
  ttl,
];

/** A ZRANGE/SMEMBERS reply as ids. */
export const members = (reply: unknown): string[] => ((reply ?? []) as unknown[]).map(String);
