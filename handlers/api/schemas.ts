import { z } from "@hono/zod-openapi";
import { QUEUE_TYPES } from "../../src/runs/execute-request";

/**
 * Schemas and messages of the conversation router (§2.4.8), mounted at `/api` and
 * `/conversations/api`, plus the paging parameters it shares with the agent router (§2.4.10).
 */

export type ConversationPrefix = "/api" | "/conversations/api";
export const CONVERSATION_PREFIXES: readonly ConversationPrefix[] = ["/api", "/conversations/api"];

export const MESSAGES = {
  notFound: "Conversation not found",
  created: "New conversation created",
  messageRequired: "Message is required and must be a non-empty string",
  accepted: "Message accepted, processing asynchronously",
  limit: "limit must be a positive integer",
  offset: "offset must be a non-negative integer",
  queueType: `queueType must be one of: ${QUEUE_TYPES.join(", ")}`,
} as const;

/**
 * Path segments under `/api` that belong to fixed routes (or to nothing), never to a conversation:
 * `GET /api/agent` must not read as conversation "agent" (§2.4.8 lists tasks, agent and
 * working-directory; the others are our own fixed routes).
 */
export const RESERVED_IDS: ReadonlySet<string> = new Set([
  "tasks",
  "agent",
  "working-directory",
  "settings",
  "callbacks",
  "list",
  "new",
  "ws",
]);

const MessageSchema = z.object({ role: z.enum(["user", "assistant"]), content: z.string(), timestamp: z.string() });

export const ConversationSchema = z
  .object({
    conversationId: z.string(),
    messages: z.array(MessageSchema),
    summarizedMessages: z.array(MessageSchema).optional(),
    createdAt: z.string(),
    lastAccessedAt: z.string(),
  })
  .openapi("Conversation");

/**
 * The original's lenient parseInt for paging values: an empty value counts as absent; `"12abc"`
 * reads as 12; anything below `min` (or unreadable) fails with `message`.
 */
export const pagingInt = (message: string, min: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === "") return undefined;
      const value = Number.parseInt(raw, 10);
      if (Number.isNaN(value) || value < min) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return value;
    });

export const PagingQuery = {
  limit: pagingInt(MESSAGES.limit, 1).openapi({ param: { name: "limit", in: "query" }, type: "string", example: "20" }),
  offset: pagingInt(MESSAGES.offset, 0).openapi({ param: { name: "offset", in: "query" }, type: "string", example: "0" }),
};

export const PaginationSchema = z
  .object({ total: z.number(), limit: z.number(), offset: z.number(), hasMore: z.boolean() })
  .openapi("Pagination");

/** `limit` defaults to everything; `hasMore` whenever items lie beyond the page (§12 item 21). */
export function pagination(total: number, limit: number | undefined, offset: number | undefined) {
  const start = offset ?? 0;
  return { total, limit: limit ?? total, offset: start, hasMore: limit !== undefined && start + limit < total };
}

export const NewConversationBody = z
  .object({ queueType: z.enum(QUEUE_TYPES, { error: MESSAGES.queueType }).nullish() })
  .openapi("NewConversation");

export const NewConversationResult = z
  .object({
    success: z.literal(true),
    conversationId: z.string(),
    message: z.literal(MESSAGES.created),
    queueType: z.enum(QUEUE_TYPES),
  })
  .openapi("NewConversationResult");

export const ConversationIdParams = z.object({
  conversationId: z
    .string()
    .min(1)
    .openapi({ param: { name: "conversationId", in: "path" }, example: "3f0c9d4e-0f7b-4b8e-9a51-2f3c1d0e9b7a" }),
});
