import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { noCache } from "../../../../src/http/no-cache";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { MESSAGES, PaginationSchema, PagingQuery, pagination } from "../../schemas";
import { AGENT_MESSAGES, AgentConversationSchema } from "../schemas";

/** An empty query value counts as absent, as in the original. */
const choice = <T extends string>(values: readonly [T, ...T[]], message: string, name: string) =>
  z
    .preprocess((raw) => (raw === "" ? undefined : raw), z.enum(values, { error: message }).optional())
    .openapi({ param: { name, in: "query" }, type: "string", enum: [...values] });

const ListQuery = z.object({
  ...PagingQuery,
  sortBy: choice(["createdAt", "lastAccessedAt", "messageCount"], AGENT_MESSAGES.sortBy, "sortBy"),
  sortOrder: choice(["asc", "desc"], AGENT_MESSAGES.sortOrder, "sortOrder"),
});

const ListSchema = z
  .object({ conversations: z.array(AgentConversationSchema), pagination: PaginationSchema })
  .openapi("AgentConversationPage");

/**
 * GET /api/agent/list — sorted (default lastAccessedAt desc) and paged; `hasMore` is true whenever
 * a `limit` leaves conversations beyond the page (the original needed `offset` too, §12 item 21).
 */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/api/agent/list",
    tags: ["agent conversations"],
    summary: "List agent conversations",
    middleware: [noCache()],
    request: { query: ListQuery },
    responses: {
      200: jsonResponse(ListSchema, "One page of agent conversations"),
      400: errorResponse(`${MESSAGES.limit} / ${MESSAGES.offset} / ${AGENT_MESSAGES.sortBy} / ${AGENT_MESSAGES.sortOrder}`),
      503: errorResponse("Conversation storage is unavailable"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { limit, offset, sortBy, sortOrder } = c.req.valid("query");
    const page = await c.var.deps.agentConversations.listConversations({
      ...(limit !== undefined ? { limit } : {}),
      ...(offset !== undefined ? { offset } : {}),
      ...(sortBy ? { sortBy } : {}),
      ...(sortOrder ? { sortOrder } : {}),
    });
    return c.json({ conversations: page.conversations, pagination: pagination(page.total, limit, offset) }, 200);
  },
);
