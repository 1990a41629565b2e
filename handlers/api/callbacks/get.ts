import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { HttpError } from "../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import { DeliveryWithAttemptsSchema, MESSAGES, toApiAttempt, toApiDelivery } from "./schemas";

const id = (name: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `${name} must not be empty` })
    .max(200, { error: `${name} must be at most 200 characters` })
    .optional()
    .openapi({ param: { name, in: "query" } });

const ListSchema = z.object({ success: z.literal(true), deliveries: z.array(DeliveryWithAttemptsSchema) });

/** GET /api/callbacks?runId=… (or ?requestId=…) — a run's callback deliveries, oldest first, with every attempt. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/api/callbacks",
    tags: ["callbacks"],
    summary: "Callback deliveries of a run, with their attempts",
    request: { query: z.object({ runId: id("runId"), requestId: id("requestId") }) },
    responses: {
      200: jsonResponse(ListSchema, "Deliveries (at most 100)"),
      400: errorResponse(MESSAGES.filterRequired),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { runId, requestId } = c.req.valid("query");
    // Listing every delivery of every run is not what a person means; ask for the filter instead.
    if (runId === undefined && requestId === undefined) throw new HttpError(400, MESSAGES.filterRequired);
    const deliveries = await c.var.deps.callbacks.outbox.list({ runId, requestId, limit: 100 });
    const body = deliveries.map(({ attemptLog, ...delivery }) => ({
      ...toApiDelivery(delivery),
      attemptLog: attemptLog.map(toApiAttempt),
    }));
    return c.json({ success: true, deliveries: body } as const, 200);
  },
);
