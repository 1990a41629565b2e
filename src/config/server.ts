import { type BuildContext, type EnvValues, int, list, oneOf, text } from "./parse";

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** The HTTP server, auth, CORS, logging and the debug fallback. */
export const serverEnv = {
  NODE_ENV: text(),
  PORT: int("TCP port", 3001, 1, 65535),
  HOST: text(),
  RUNNER_API_TOKENS: list(),
  MAX_BODY_BYTES: int("bytes", 1024 * 1024),
  LOG_LEVEL: oneOf(LOG_LEVELS, "info"),
  SHUTDOWN_GRACE_MS: int("milliseconds", 10_000),
  FRONTEND_URL: text(),
  DEBUG: text(),
  IDEMPOTENCY_TTL_MS: int("milliseconds an Idempotency-Key is remembered", 86_400_000),
  RATE_LIMIT_PER_WINDOW: int("requests per caller and window (0 = no limit)", 6000, 0),
  RATE_LIMIT_WINDOW_MS: int("milliseconds", 60_000),
  METRICS_TOKEN: text(),
};

export function serverConfig(e: EnvValues<typeof serverEnv>, _ctx: BuildContext) {
  const authEnabled = e.RUNNER_API_TOKENS.length > 0;
  const isDevelopment = e.NODE_ENV === "development";
  return {
    nodeEnv: e.NODE_ENV ?? "production",
    isDevelopment,
    server: {
      port: e.PORT,
      /** Without tokens the service is only reachable from this machine. */
      host: e.HOST ?? (authEnabled ? "0.0.0.0" : "127.0.0.1"),
      hostExplicit: e.HOST !== undefined,
      maxBodyBytes: e.MAX_BODY_BYTES,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    },
    auth: { tokens: e.RUNNER_API_TOKENS, enabled: authEnabled },
    cors: { frontendUrl: e.FRONTEND_URL, reflectAnyOrigin: isDevelopment },
    logLevel: e.LOG_LEVEL,
    idempotency: { ttlMs: e.IDEMPOTENCY_TTL_MS },
    rateLimit: { limit: e.RATE_LIMIT_PER_WINDOW, windowMs: e.RATE_LIMIT_WINDOW_MS },
    /** A token only for GET /metrics (alongside the API tokens). */
    metricsToken: e.METRICS_TOKEN,
    /** Fallback for the `debug` system setting (§9.3): only "true" or "1". */
    debugFallback: e.DEBUG === "true" || e.DEBUG === "1",
  };
}
