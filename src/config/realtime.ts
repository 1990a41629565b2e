import { z } from "zod";
import { type BuildContext, type EnvValues, int, text, url } from "./parse";

/** Redis (TCP or Upstash REST) for conversations and fan-out; WebSocket limits. */
export const realtimeEnv = {
  REDIS_URL: z
    .string()
    .optional()
    .refine((raw) => raw === undefined || /^rediss?:\/\//.test(raw), {
      message: "expects a redis:// or rediss:// URL",
    }),
  UPSTASH_REDIS_REST_URL: url(),
  UPSTASH_REDIS_REST_TOKEN: text(),
  WS_PING_INTERVAL_MS: int("milliseconds between WebSocket pings", 30_000),
  WS_MAX_BUFFERED_BYTES: int("bytes a WebSocket client may fall behind", 4 * 1024 * 1024),
};

export function realtimeConfig(e: EnvValues<typeof realtimeEnv>, _ctx: BuildContext) {
  return {
    redis: {
      url: e.REDIS_URL,
      upstash:
        e.UPSTASH_REDIS_REST_URL && e.UPSTASH_REDIS_REST_TOKEN
          ? { url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN }
          : undefined,
    },
    /** WebSockets (§2.5): a client that misses a ping round or falls this far behind is dropped. */
    realtime: { pingIntervalMs: e.WS_PING_INTERVAL_MS, maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES },
  };
}
