import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, jsonResponse } from "../../../src/http/schemas";

const UpdateSchema = z.record(z.string(), z.unknown()).openapi("TelegramUpdate");
const AckSchema = z
  .object({
    success: z.boolean(),
    received: z.boolean().optional(),
    updateType: z.enum(["message", "edited_message", "callback_query", "unknown"]).optional(),
    error: z.string().optional(),
    timestamp: z.string(),
  })
  .openapi("TelegramAck");

const updateTypeOf = (update: Record<string, unknown>) =>
  update.message ? "message" : update.edited_message ? "edited_message" : update.callback_query ? "callback_query" : "unknown";

/**
 * POST /telegram/webhook — acknowledges a Telegram update (§2.4.3). Always 200 once the body is a
 * JSON object, so Telegram never retries; nothing is processed beyond logging.
 */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/telegram/webhook",
    tags: ["telegram"],
    summary: "Acknowledge a Telegram update",
    request: { body: { content: { "application/json": { schema: UpdateSchema } } } },
    responses: { 200: jsonResponse(AckSchema, "Update acknowledged"), ...commonErrors },
  }),
  (c) => {
    const timestamp = new Date().toISOString();
    try {
      const updateType = updateTypeOf(c.req.valid("json"));
      c.var.deps.log.info({ requestId: c.var.requestId, updateType }, "Telegram update type");
      return c.json({ success: true, received: true, updateType, timestamp } as const, 200);
    } catch (error) {
      return c.json({ success: false, error: (error as Error).message, timestamp }, 200);
    }
  },
);
