import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../http/env";
import type { Metrics } from "./types";

/** Times every request and records it under its route's pattern (`/runs/:id`, not the URL). */
export function requestMetrics(metrics: Metrics | undefined): MiddlewareHandler<AppEnv> {
  if (!metrics) return (_c, next) => next();
  return async (c, next) => {
    const started = performance.now();
    await next();
    const pattern = routePath(c, -1);
    const route = !pattern || pattern === "*" || pattern === "/*" ? "unmatched" : pattern;
    metrics.observeRequest(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
  };
}
