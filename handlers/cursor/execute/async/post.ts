import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { requireWebhookSecret, WEBHOOK_UNAUTHORIZED } from "../../../../src/http/webhook-secret";
import { AsyncAckSchema, acknowledgeAsync } from "../../../../src/runs/async-ack";
import { ExecuteBodySchema, requestIdFor } from "../../../../src/runs/execute-request";
import { prepareRun } from "../../../../src/runs/prepare";

/**
 * POST /cursor/execute/async — acknowledged at once; the result goes to `callbackUrl` (signed,
 * retried) and can be followed at `eventsUrl` (§2.4.6). As in the original, a missing repository
 * or agent CLI is reported through the callback, not the acknowledgement.
 */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/cursor/execute/async",
    tags: ["execution"],
    summary: "Start a run and report the result to callbackUrl",
    middleware: [requireWebhookSecret()] as const,
    request: { body: { content: { "application/json": { schema: ExecuteBodySchema } }, required: true } },
    responses: {
      ...commonErrors,
      200: jsonResponse(AsyncAckSchema, "Accepted; the run goes on in the background"),
      400: errorResponse("prompt is required / a field of the wrong type"),
      401: errorResponse(`${WEBHOOK_UNAUTHORIZED} (or a missing bearer token)`),
      429: errorResponse("Too many runs waiting; retry after Retry-After seconds"),
    },
  }),
  async (c) => {
    const deps = c.var.deps;
    const body = c.req.valid("json");
    const requestId = requestIdFor(body);
    const ack = await acknowledgeAsync(deps, {
      requestId,
      repository: body.repository,
      callbackUrl: body.callbackUrl ?? body.callback_url,
      start: async () => (await deps.runs.start(await prepareRun(deps, body, "async", requestId))).run,
    });
    return c.json(ack, 200);
  },
);
