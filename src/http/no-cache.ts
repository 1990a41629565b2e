import type { MiddlewareHandler } from "hono";

/** The conversation and agent routers' headers (§2.2). */
export const NO_CACHE_HEADERS = {
  "Cache-Control": "no-store, no-cache, must-revalidate, proxy-revalidate",
  Pragma: "no-cache",
  Expires: "0",
} as const;

/**
 * Marks every response of a route uncacheable — errors too, since Hono hands the error response
 * back through the middleware chain.
 *
 * @example
 * createRoute({ method: "get", path: "/api/list", middleware: [noCache()] as const, responses });
 */
export function noCache(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(NO_CACHE_HEADERS)) c.res.headers.set(name, value);
  };
}
