import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint, type Endpoint } from "../../../src/http/endpoint";
import { HttpError } from "../../../src/http/errors";
import { noCache } from "../../../src/http/no-cache";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import { ConversationIdParams, type ConversationPrefix, ConversationSchema, MESSAGES, RESERVED_IDS } from "../schemas";

/**
 * GET {prefix}/:conversationId — one conversation. Unknown ids are a 404 and create nothing
 * (§12 item 14); reserved names (`tasks`, `agent`, …) fall through to the route-not-found answer,
 * as the original's `next()` did.
 *
 * @example
 * export const apiGetConversation = getConversation("/api");
 */
export function getConversation(prefix: ConversationPrefix): Endpoint {
  return defineEndpoint(
    createRoute({
      method: "get",
      path: `${prefix}/{conversationId}`,
      tags: ["conversations"],
      summary: "Get a conversation",
      middleware: [noCache()],
      request: { params: ConversationIdParams },
      responses: {
        200: jsonResponse(ConversationSchema, "The conversation"),
        404: errorResponse(MESSAGES.notFound),
        503: errorResponse("Conversation storage is unavailable"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { conversationId } = c.req.valid("param");
      if (RESERVED_IDS.has(conversationId)) return c.notFound() as never;
      const conversation = await c.var.deps.conversations.getConversation(conversationId);
      if (!conversation) throw new HttpError(404, MESSAGES.notFound);
      return c.json(conversation, 200);
    },
  );
}

export const apiGetConversation = getConversation("/api");
export const conversationsGetConversation = getConversation("/conversations/api");
export default apiGetConversation;
