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
 * The token a request presents: the `Authorization: Bearer` header, else (where allowed) the
 * `?token=` value. A malformed header counts as no token, never falls back to the query.
 */
export function presentedToken(header: string | undefined | null, query?: string | null): string | undefined {
  if (header) return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  return query || undefined;
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
  /**
   * Paths where `?token=` may stand in for the header. Only WebSocket endpoints: browsers cannot
   * set headers on a WebSocket handshake. Everywhere else a token in a URL would end up in logs.
   */
  acceptQueryToken?: (path: string) => boolean;
  /** More tokens a path accepts besides the API tokens (METRICS_TOKEN on /metrics). */
  extraTokens?: (path: string) => readonly string[];
}): MiddlewareHandler {
  const isPublic = options.isPublic ?? ((method, path) => (method === "GET" || method === "HEAD") && path === "/health");
  return async (c, next) => {
    if ((options.tokens.length === 0 && !options.extraTokens?.(c.req.path).length) || isPublic(c.req.method, c.req.path))
      return next();
    const header = c.req.header("Authorization");
    const query = options.acceptQueryToken?.(c.req.path) ? c.req.query("token") : undefined;
    const token = presentedToken(header, query);
    const accepted = [...options.tokens, ...(options.extraTokens?.(c.req.path) ?? [])];
    if (!token || !(await matchesAnyToken(token, accepted))) {
      throw new HttpError(401, "Unauthorized", { headers: { "WWW-Authenticate": 'Bearer realm="cursor-runner"' } });
    }
    return next();
  };
}
