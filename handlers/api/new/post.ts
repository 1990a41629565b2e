import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint, type Endpoint } from "../../../src/http/endpoint";
import { noCache } from "../../../src/http/no-cache";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import type { QueueType } from "../../../src/runs/execute-request";
import { MESSAGES, NewConversationBody, NewConversationResult } from "../schemas";

/**
 * POST a fresh conversation for a queue, which the queue's "last conversation" pointer then names.
 * `/api/new` and `/conversations/api/new` default to queue `api` (§2.4.8);
 * `/cursor/conversation/new` defaults to `default` (§2.4.7) and, like the original, sends no
 * no-cache headers.
 *
 * @example
 * export default newConversation("/cursor/conversation/new", "default", { noCacheHeaders: false });
 */
export function newConversation(path: string, defaultQueue: QueueType, { noCacheHeaders = true } = {}): Endpoint {
  return defineEndpoint(
    createRoute({
      method: "post",
      path,
      tags: ["conversations"],
      summary: `Start a new conversation (queueType defaults to "${defaultQueue}")`,
      middleware: noCacheHeaders ? [noCache()] : [],
      request: { body: { content: { "application/json": { schema: NewConversationBody } }, required: false } },
      responses: {
        200: jsonResponse(NewConversationResult, "The new conversation's id"),
        400: errorResponse(MESSAGES.queueType),
        503: errorResponse("Conversation storage is unavailable"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const queueType = c.req.valid("json")?.queueType ?? defaultQueue;
      const conversationId = await c.var.deps.conversations.forceNewConversation(queueType);
      return c.json({ success: true, conversationId, message: MESSAGES.created, queueType } as const, 200);
    },
  );
}

export const apiNewConversation = newConversation("/api/new", "api");
export const conversationsNewConversation = newConversation("/conversations/api/new", "api");
export default apiNewConversation;
