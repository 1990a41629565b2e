import type { MiddlewareHandler } from "hono";
import { matchesAnyToken } from "./auth";
import type { AppEnv } from "./env";
import { HttpError } from "./errors";

export const WEBHOOK_UNAUTHORIZED = "Unauthorized - invalid or missing webhook secret";

/**
 * The original's webhook-secret check (§2.4.6): when WEBHOOK_SECRET is set, the request must carry
 * it in `X-Webhook-Secret`, `X-Cursor-Runner-Secret` or (for compatibility) `?secret=`. Compared in
 * constant time; the access log masks `?secret=` values.
 */
export function requireWebhookSecret(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const expected = c.var.deps.config.callbacks.webhookSecret;
    if (!expected) return next();
    const given = c.req.header("X-Webhook-Secret") ?? c.req.header("X-Cursor-Runner-Secret") ?? c.req.query("secret") ?? "";
    if (!(await matchesAnyToken(given, [expected]))) {
      throw new HttpError(401, WEBHOOK_UNAUTHORIZED, { extra: { timestamp: new Date().toISOString() } });
    }
    return next();
  };
}
