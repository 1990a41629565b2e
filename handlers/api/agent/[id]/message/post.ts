import { createRoute, z } from "@hono/zod-openapi";
import { AgentConversationNotFoundError } from "../../../../../src/conversations/errors";
import { defineEndpoint } from "../../../../../src/http/endpoint";
import { HttpError } from "../../../../../src/http/errors";
import { noCache } from "../../../../../src/http/no-cache";
import { commonErrors, errorResponse, jsonResponse } from "../../../../../src/http/schemas";
import { AGENT_MESSAGES, AGENT_ROLES, AGENT_SOURCES, AgentIdParams } from "../../schemas";

const AddMessageBody = z
  .object({
    role: z
      .unknown()
      .optional()
      .openapi({ type: "string", enum: [...AGENT_ROLES] }),
    content: z.unknown().optional().openapi({ type: "string" }),
    source: z.enum(AGENT_SOURCES, { error: `source must be one of: ${AGENT_SOURCES.join(", ")}` }).nullish(),
  })
  // The original's check first (either one falsy), then what it never checked: the kinds.
  .superRefine((body, ctx) => {
    if (!body.role || !body.content) {
      ctx.addIssue({ code: "custom", path: [body.role ? "content" : "role"], message: AGENT_MESSAGES.missingFields });
    } else if (!AGENT_ROLES.includes(body.role as (typeof AGENT_ROLES)[number])) {
      ctx.addIssue({ code: "custom", path: ["role"], message: `role must be one of: ${AGENT_ROLES.join(", ")}` });
    } else if (typeof body.content !== "string") {
      ctx.addIssue({ code: "custom", path: ["content"], message: "content must be a string" });
    }
  })
  .transform((body) => ({
    role: body.role as (typeof AGENT_ROLES)[number],
    content: body.content as string,
    source: body.source,
  }))
  .openapi("AddAgentMessage");

const AddedSchema = z
  .object({ success: z.literal(true), conversationId: z.string(), message: z.literal(AGENT_MESSAGES.added) })
  .openapi("AgentMessageAdded");

/**
 * POST /api/agent/:id/message — appends `{role, content, source (default "text"), timestamp,
 * messageId}`. An unknown conversation is a 404 "Agent conversation not found"; the original
 * answered 500 with the service's error text.
 */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/api/agent/{id}/message",
    tags: ["agent conversations"],
    summary: "Add a message to an agent conversation",
    middleware: [noCache()],
    request: {
      params: AgentIdParams,
      body: { content: { "application/json": { schema: AddMessageBody } }, required: true },
    },
    responses: {
      200: jsonResponse(AddedSchema, "Added"),
      400: errorResponse(AGENT_MESSAGES.missingFields),
      404: errorResponse(AGENT_MESSAGES.notFound),
      503: errorResponse("Conversation storage is unavailable"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { role, content, source } = c.req.valid("json");
    try {
      await c.var.deps.agentConversations.addMessage(id, { role, content, source: source ?? "text" });
    } catch (error) {
      if (error instanceof AgentConversationNotFoundError) throw new HttpError(404, AGENT_MESSAGES.notFound);
      throw error;
    }
    return c.json({ success: true, conversationId: id, message: AGENT_MESSAGES.added } as const, 200);
  },
);
