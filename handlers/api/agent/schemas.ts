import { z } from "@hono/zod-openapi";

/** Schemas and messages of the agent conversation router (§2.4.10, mounted at `/api/agent`). */

export const AGENT_MESSAGES = {
  notFound: "Agent conversation not found",
  created: "New agent conversation created",
  added: "Message added to conversation",
  missingFields: "Missing required fields: role, content",
  sortBy: "sortBy must be one of: createdAt, lastAccessedAt, messageCount",
  sortOrder: "sortOrder must be one of: asc, desc",
} as const;

export const AGENT_ROLES = ["user", "assistant", "system", "tool"] as const;
export const AGENT_SOURCES = ["voice", "text", "user_input", "agent_response", "tool_output", "system_event"] as const;

const AgentMessageSchema = z
  .object({
    role: z.enum(AGENT_ROLES),
    content: z.string(),
    timestamp: z.string().optional(),
    source: z.enum(AGENT_SOURCES).optional(),
    messageId: z.string().optional(),
    toolName: z.string().optional(),
    toolArgs: z.unknown().optional(),
    toolOutput: z.unknown().optional(),
  })
  .openapi("AgentMessage");

export const AgentConversationSchema = z
  .object({
    conversationId: z.string(),
    messages: z.array(AgentMessageSchema),
    createdAt: z.string(),
    lastAccessedAt: z.string(),
    agentId: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    title: z.string(),
    status: z.enum(["active", "completed", "archived", "failed"]),
  })
  .openapi("AgentConversation");

export const AgentIdParams = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: "id", in: "path" }, example: "agent-1732147200000-k3j9x0a1b" }),
});
