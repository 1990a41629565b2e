import type { MiddlewareHandler } from "hono";
import { redactUrl } from "../log";
import type { AppEnv } from "./env";

/** One JSON log line per request: request id, method, path (secret query values masked), status, duration. */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const url = new URL(c.req.url);
    c.var.deps.log.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: redactUrl(url.pathname + url.search),
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      },
      "request",
    );
  };
}
