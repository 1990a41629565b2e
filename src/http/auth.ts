import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { HttpError } from "./errors";

/** True when `candidate` equals one of `tokens`; every token is compared, in constant time. */
export async function matchesAnyToken(candidate: string, tokens: readonly string[]): Promise<boolean> {
  let matched = false;
  for (const token of tokens) {
    // No early exit: the time taken does not tell which token (or how much of one) matched.
    if (await timingSafeEqual(candidate, token)) matched = true;
  }
  return matched;
}

/**
 * Bearer-token auth for every route except `GET /health` (and CORS preflights, answered earlier).
 * Hand-written rather than hono/bearer-auth because that answers a malformed header with 400 and a
 * text body, where our contract is always 401 `{success:false, error:"Unauthorized"}`.
 *
 * @example
 * app.use(bearerAuth({ tokens: ["s3cret"] }));
 */
export function bearerAuth(options: {
  tokens: readonly string[];
  isPublic?: (method: string, path: string) => boolean;
}): MiddlewareHandler {
  const isPublic = options.isPublic ?? ((method, path) => (method === "GET" || method === "HEAD") && path === "/health");
  return async (c, next) => {
    if (options.tokens.length === 0 || isPublic(c.req.method, c.req.path)) return next();
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1] || !(await matchesAnyToken(match[1], options.tokens))) {
      throw new HttpError(401, "Unauthorized", { headers: { "WWW-Authenticate": 'Bearer realm="cursor-runner"' } });
    }
    return next();
  };
}
