import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../../src/http/endpoint";
import { HttpError } from "../../../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../../../src/http/schemas";
import { DeliverySchema, MESSAGES, toApiDelivery } from "../../schemas";

const RedeliveredSchema = z.object({ success: z.literal(true), delivery: DeliverySchema });

/**
 * POST /api/callbacks/:id/redeliver — makes the delivery due now with a fresh set of attempts, whatever
 * its status, and wakes the worker. Receivers can drop a repeat by its X-Runner-Delivery id.
 */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/api/callbacks/{id}/redeliver",
    tags: ["callbacks"],
    summary: "Send a callback again",
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(200)
          .openapi({ param: { name: "id", in: "path" } }),
      }),
    },
    responses: {
      200: jsonResponse(RedeliveredSchema, "The delivery, pending again"),
      404: errorResponse(MESSAGES.notFound),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { callbacks } = c.var.deps;
    const delivery = await callbacks.outbox.redeliver(c.req.valid("param").id);
    if (!delivery) throw new HttpError(404, MESSAGES.notFound);
    callbacks.kick();
    return c.json({ success: true, delivery: toApiDelivery(delivery) } as const, 200);
  },
);
