import type { MiddlewareHandler } from "hono";
import { rateLimiter } from "hono-rate-limiter";
import type { AppEnv } from "./env";
import { HttpError } from "./errors";

const sha256 = async (text: string) => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
};

/**
 * Requests per caller and window (hono-rate-limiter, in memory: the limit holds per instance).
 * The caller is its bearer token (hashed: no token kept in memory as such); without tokens every
 * caller shares one budget (the service then listens on 127.0.0.1 only). Past the limit: 429 in our
 * envelope with `Retry-After` and the `RateLimit-*` headers. `isExempt` paths are never counted.
 *
 * @example
 * app.use(rateLimit({ limit: 600, windowMs: 60_000, isExempt: (method, path) => path === "/health" }));
 */
export function rateLimit(options: {
  limit: number;
  windowMs: number;
  isExempt: (method: string, path: string) => boolean;
}): MiddlewareHandler<AppEnv> {
  if (options.limit <= 0) return (_c, next) => next();
  const seconds = Math.round(options.windowMs / 1000);
  return rateLimiter<AppEnv>({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: "draft-6",
    skip: (c) => options.isExempt(c.req.method, c.req.path),
    keyGenerator: async (c) => `token:${(await sha256(c.req.header("Authorization") ?? "")).slice(0, 32)}`,
    handler: (c) => {
      const info = c.get("rateLimit" as never) as { resetTime?: Date } | undefined;
      const retryAfter = info?.resetTime ? Math.max(1, Math.ceil((info.resetTime.getTime() - Date.now()) / 1000)) : seconds;
      throw new HttpError(
        429,
        `Too many requests: at most ${options.limit} per ${seconds} s for this token; retry after ${retryAfter} s`,
        { headers: { "Retry-After": String(retryAfter) } },
      );
    },
  });
}
