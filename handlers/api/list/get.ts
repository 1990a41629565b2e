import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint, type Endpoint } from "../../../src/http/endpoint";
import { noCache } from "../../../src/http/no-cache";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import { type ConversationPrefix, ConversationSchema, MESSAGES, PaginationSchema, PagingQuery, pagination } from "../schemas";

const PageSchema = z
  .object({ conversations: z.array(ConversationSchema), pagination: PaginationSchema })
  .openapi("ConversationPage");

/**
 * GET {prefix}/list — without `limit`/`offset` the original's bare array of every live
 * conversation (§2.4.8); with either, one page, most recently written first, and its pagination.
 * Read from the store's index, never by scanning keys (§12 item 25).
 *
 * @example
 * export const apiListConversations = listConversations("/api");
 */
export function listConversations(prefix: ConversationPrefix): Endpoint {
  return defineEndpoint(
    createRoute({
      method: "get",
      path: `${prefix}/list`,
      tags: ["conversations"],
      summary: "List conversations (all, or a page with ?limit&offset)",
      middleware: [noCache()],
      request: { query: z.object(PagingQuery) },
      responses: {
        200: jsonResponse(z.union([z.array(ConversationSchema), PageSchema]), "Every conversation, or one page"),
        400: errorResponse(`${MESSAGES.limit} / ${MESSAGES.offset}`),
        503: errorResponse("Conversation storage is unavailable"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { limit, offset } = c.req.valid("query");
      const { conversations } = c.var.deps;
      if (limit === undefined && offset === undefined) {
        return c.json((await conversations.listConversations()).conversations, 200);
      }
      const page = await conversations.listConversations({
        ...(limit !== undefined ? { limit } : {}),
        ...(offset !== undefined ? { offset } : {}),
      });
      return c.json({ conversations: page.conversations, pagination: pagination(page.total, limit, offset) }, 200);
    },
  );
}

export const apiListConversations = listConversations("/api");
export const conversationsListConversations = listConversations("/conversations/api");
export default apiListConversations;
