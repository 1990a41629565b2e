import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { noCache } from "../../../../src/http/no-cache";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { AGENT_MESSAGES } from "../schemas";

const NewAgentConversationBody = z
  .object({
    agentId: z.string({ error: "agentId must be a string" }).nullish(),
    metadata: z.record(z.string(), z.unknown(), { error: "metadata must be an object" }).nullish(),
  })
  .openapi("NewAgentConversation");

const CreatedSchema = z
  .object({ success: z.literal(true), conversationId: z.string(), message: z.literal(AGENT_MESSAGES.created) })
  .openapi("NewAgentConversationResult");

/** POST /api/agent/new — an active conversation `agent-{epochMs}-{id9}`, with metadata when given. */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/api/agent/new",
    tags: ["agent conversations"],
    summary: "Start an agent conversation",
    middleware: [noCache()],
    request: { body: { content: { "application/json": { schema: NewAgentConversationBody } }, required: false } },
    responses: {
      200: jsonResponse(CreatedSchema, "The new conversation's id"),
      400: errorResponse("agentId must be a string / metadata must be an object"),
      503: errorResponse("Conversation storage is unavailable"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const conversation = await c.var.deps.agentConversations.createConversation(
      body?.agentId ?? undefined,
      body?.metadata ?? undefined,
    );
    return c.json({ success: true, conversationId: conversation.conversationId, message: AGENT_MESSAGES.created } as const, 200);
  },
);
