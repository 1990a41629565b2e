import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { noCache } from "../../../../src/http/no-cache";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { AGENT_MESSAGES, AgentConversationSchema, AgentIdParams } from "../schemas";

/** GET /api/agent/:id — the full conversation; reading marks it accessed (fresh TTL), as the original did. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/api/agent/{id}",
    tags: ["agent conversations"],
    summary: "Get an agent conversation",
    middleware: [noCache()],
    request: { params: AgentIdParams },
    responses: {
      200: jsonResponse(AgentConversationSchema, "The conversation"),
      404: errorResponse(AGENT_MESSAGES.notFound),
      503: errorResponse("Conversation storage is unavailable"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const conversation = await c.var.deps.agentConversations.getConversation(c.req.valid("param").id);
    if (!conversation) throw new HttpError(404, AGENT_MESSAGES.notFound);
    return c.json(conversation, 200);
  },
);
