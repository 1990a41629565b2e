import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../src/http/endpoint";
import { jsonResponse } from "../../src/http/schemas";

const HealthSchema = z.object({ status: z.literal("ok"), service: z.literal("cursor-runner") }).openapi("Health");

/** GET /health — liveness, exactly `{status:"ok", service:"cursor-runner"}`; the one route without auth. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/health",
    tags: ["health"],
    summary: "Liveness check (no auth)",
    security: [],
    responses: { 200: jsonResponse(HealthSchema, "The service is up") },
  }),
  (c) => {
    c.var.deps.log.debug({ requestId: c.var.requestId }, "Health check requested");
    return c.json({ status: "ok", service: "cursor-runner" } as const, 200);
  },
);
