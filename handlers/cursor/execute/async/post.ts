import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { requireWebhookSecret, WEBHOOK_UNAUTHORIZED } from "../../../../src/http/webhook-secret";
import { eventsUrl } from "../../../../src/runs/compat";
import { ExecuteBodySchema, requestIdFor } from "../../../../src/runs/execute-request";
import { prepareRun } from "../../../../src/runs/prepare";

export const ASYNC_ACK = "Request accepted, processing asynchronously";

const AckSchema = z
  .object({
    success: z.literal(true),
    message: z.literal(ASYNC_ACK),
    requestId: z.string(),
    runId: z.string().optional(),
    eventsUrl: z.string().optional(),
    timestamp: z.string(),
  })
  .openapi("AsyncAck");

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
      200: jsonResponse(AckSchema, "Accepted; the run goes on in the background"),
      400: errorResponse("prompt is required / a field of the wrong type"),
      401: errorResponse(`${WEBHOOK_UNAUTHORIZED} (or a missing bearer token)`),
      429: errorResponse("Too many runs waiting; retry after Retry-After seconds"),
    },
  }),
  async (c) => {
    const deps = c.var.deps;
    const body = c.req.valid("json");
    const requestId = requestIdFor(body);
    const timestamp = new Date().toISOString();
    let prepared: Awaited<ReturnType<typeof prepareRun>>;
    try {
      prepared = await prepareRun(deps, body, "async", requestId);
    } catch (error) {
      if (!(error instanceof HttpError) || (error.status >= 500 && error.status !== 503)) throw error;
      const url = body.callbackUrl ?? body.callback_url;
      if (url) {
        const payload = {
          success: false,
          requestId,
          repository: body.repository ?? undefined,
          error: error.message,
          exitCode: 1,
          duration: "0ms",
          timestamp,
        };
        await deps.callbacks.enqueue({ requestId, url, payload });
      }
      deps.log.warn({ requestId, error: error.message }, "Async request could not start");
      return c.json({ success: true, message: ASYNC_ACK, requestId, timestamp } as const, 200);
    }
    const { run } = await deps.runs.start(prepared);
    return c.json(
      { success: true, message: ASYNC_ACK, requestId, runId: run.id, eventsUrl: eventsUrl(run.id), timestamp } as const,
      200,
    );
  },
);
