import { createRoute, z } from "@hono/zod-openapi";
import { randomId9 } from "../../../../src/conversations/ids";
import { defineEndpoint, type Endpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { noCache } from "../../../../src/http/no-cache";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { eventsUrl } from "../../../../src/runs/compat";
import { agentField, type ExecuteBody, modelField } from "../../../../src/runs/execute-request";
import { prepareRun } from "../../../../src/runs/prepare";
import { ConversationIdParams, type ConversationPrefix, MESSAGES, RESERVED_IDS } from "../../schemas";

const optionalText = (field: string) => z.string({ error: `${field} must be a string` }).nullish();

const MessageBody = z
  .object({
    // Kept verbatim as the prompt; only its emptiness is judged after trimming.
    message: z
      .string({ error: MESSAGES.messageRequired })
      .refine((value) => value.trim() !== "", { error: MESSAGES.messageRequired }),
    repository: optionalText("repository"),
    branchName: optionalText("branchName"),
    agent: agentField(),
    model: modelField(),
  })
  .openapi("ConversationMessage");

const AcceptedSchema = z
  .object({
    success: z.literal(true),
    message: z.literal(MESSAGES.accepted),
    requestId: z.string(),
    conversationId: z.string(),
    runId: z.string(),
    eventsUrl: z.string(),
    timestamp: z.string(),
  })
  .openapi("ConversationMessageAccepted");

/**
 * POST {prefix}/:conversationId/message — starts a run in the conversation (queue `api`, request id
 * `ui-{epochMs}-{id9}`) and answers at once with its runId (§2.4.8). The run records the message
 * and the answer in the conversation and resumes the agent's session from the previous turn.
 * Unlike the original, a missing repository or agent CLI is a 4xx/503 here rather than a log line.
 *
 * @example
 * export const apiPostMessage = postMessage("/api");
 */
export function postMessage(prefix: ConversationPrefix): Endpoint {
  return defineEndpoint(
    createRoute({
      method: "post",
      path: `${prefix}/{conversationId}/message`,
      tags: ["conversations"],
      summary: "Send a message: starts a run in the conversation",
      middleware: [noCache()],
      request: {
        params: ConversationIdParams,
        body: { content: { "application/json": { schema: MessageBody } }, required: true },
      },
      responses: {
        200: jsonResponse(AcceptedSchema, "Accepted; follow the run at eventsUrl"),
        400: errorResponse(MESSAGES.messageRequired),
        404: errorResponse(`${MESSAGES.notFound} / Repository not found locally`),
        429: errorResponse("Too many runs waiting; retry after Retry-After seconds"),
        503: errorResponse("Conversation storage or the agent CLI is unavailable"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { deps } = c.var;
      const { conversationId } = c.req.valid("param");
      if (RESERVED_IDS.has(conversationId)) return c.notFound() as never;
      const { message, repository, branchName, agent, model } = c.req.valid("json");
      if (!(await deps.conversations.getConversation(conversationId))) throw new HttpError(404, MESSAGES.notFound);
      const requestId = `ui-${Date.now()}-${randomId9()}`;
      const body: ExecuteBody = {
        prompt: message,
        repository,
        branchName,
        conversationId,
        queueType: "api",
        ...(agent ? { agent } : {}),
        ...(model ? { model } : {}),
      };
      const { run } = await deps.runs.start(await prepareRun(deps, body, "conversation", requestId));
      return c.json(
        {
          success: true,
          message: MESSAGES.accepted,
          requestId,
          conversationId,
          runId: run.id,
          eventsUrl: eventsUrl(run.id),
          timestamp: new Date().toISOString(),
        } as const,
        200,
      );
    },
  );
}

export const apiPostMessage = postMessage("/api");
export const conversationsPostMessage = postMessage("/conversations/api");
export default apiPostMessage;
