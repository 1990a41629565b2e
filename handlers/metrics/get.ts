import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../src/http/endpoint";
import { HttpError } from "../../src/http/errors";
import { commonErrors, errorResponse } from "../../src/http/schemas";

/**
 * GET /metrics — Prometheus text: HTTP latency by route, runs by state and agent, tasks, callback
 * deliveries and attempts, slots and queue length, process metrics. Needs an API token or
 * METRICS_TOKEN (a scraper then holds no API token).
 */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/metrics",
    tags: ["operations"],
    summary: "Prometheus metrics",
    responses: {
      200: { description: "Prometheus text exposition format", content: { "text/plain": { schema: z.string() } } },
      501: errorResponse("No metrics on this runtime"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { metrics } = c.var.deps;
    if (!metrics) throw new HttpError(501, "Metrics are not collected on this runtime (the Node server collects them)");
    const { contentType, body } = await metrics.render();
    return c.text(body, 200, { "Content-Type": contentType, "Cache-Control": "no-store" });
  },
);
