import { z } from "@hono/zod-openapi";
import { AGENT_NAMES } from "../agents/adapter";

export const QUEUE_TYPES = ["default", "telegram", "api"] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

const optionalText = (field: string) => z.string({ error: `${field} must be a string` }).nullish();

/** Which agent CLI runs the request (default DEFAULT_AGENT); shared by execute, iterate and conversation messages. */
export const agentField = () =>
  z
    .enum(AGENT_NAMES, { error: `agent must be one of: ${AGENT_NAMES.join(", ")}` })
    .nullish()
    .openapi({ example: "claude" });

/** The agent's model (passed as the CLI's own model flag); the CLI's configured default when absent. */
export const modelField = () =>
  z
    .string({ error: "model must be a string" })
    .min(1, { error: "model must not be empty" })
    .max(200, { error: "model must be at most 200 characters" })
    .nullish();

const callbackUrl = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), {
      error: `${field} must be an absolute http(s) URL`,
    })
    .nullish();

/**
 * The execution request body (§2.4.4) with the original's field names and aliases
 * (camelCase wins over snake_case). Unknown fields are ignored, as the original did.
 */
export const ExecuteBodySchema = z
  .object({
    prompt: z.string({ error: "prompt is required" }).min(1, { error: "prompt is required" }),
    repository: optionalText("repository"),
    branchName: optionalText("branchName"),
    createBranch: z.boolean({ error: "createBranch must be true or false" }).nullish(),
    id: z.string({ error: "id must be a string" }).max(200, { error: "id must be at most 200 characters" }).nullish(),
    callbackUrl: callbackUrl("callbackUrl"),
    callback_url: callbackUrl("callback_url"),
    conversationId: optionalText("conversationId"),
    conversation_id: optionalText("conversation_id"),
    queueType: z.enum(QUEUE_TYPES, { error: `queueType must be one of: ${QUEUE_TYPES.join(", ")}` }).nullish(),
    maxIterations: z.number({ error: "maxIterations must be a number" }).int().positive().nullish(),
    agent: agentField(),
    model: modelField(),
  })
  .openapi("ExecuteRequest");

export type ExecuteBody = z.infer<typeof ExecuteBodySchema>;

const id9 = () => Math.random().toString(36).slice(2, 11).padEnd(9, "0");

/** `req-{epochMs}-{id9}` unless the client gave an id (§2.4.4). */
export const requestIdFor = (body: ExecuteBody) => body.id || `req-${Date.now()}-${id9()}`;

/** Explicit queueType, else `telegram` for `telegram-…` request ids, else `default`. */
export const queueTypeFor = (body: ExecuteBody, requestId: string): QueueType =>
  body.queueType ?? (requestId.startsWith("telegram-") ? "telegram" : "default");

/** Splits `?secret=` off a callback URL: the secret travels as a header, never in the URL (§3.2). */
export function splitCallbackUrl(raw: string | null | undefined): { url: string | null; secret: string | null } {
  if (!raw) return { url: null, secret: null };
  const url = new URL(raw);
  const secret = url.searchParams.get("secret");
  url.searchParams.delete("secret");
  return { url: url.toString(), secret };
}
