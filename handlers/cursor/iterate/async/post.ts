import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { requireWebhookSecret, WEBHOOK_UNAUTHORIZED } from "../../../../src/http/webhook-secret";
import { eventsUrl } from "../../../../src/runs/compat";
import { requestIdFor } from "../../../../src/runs/execute-request";
import { defaultCallbackUrl } from "../../../../src/runs/iterate/callback-url";
import { IterateBodySchema } from "../../../../src/runs/iterate/request";
import { prepareRun } from "../../../../src/runs/prepare";
import { ASYNC_ACK } from "../../execute/async/post";

const AckSchema = z
  .object({
    success: z.literal(true),
    message: z.literal(ASYNC_ACK),
    requestId: z.string(),
    runId: z.string().optional(),
    eventsUrl: z.string().optional(),
    timestamp: z.string(),
  })
  .openapi("IterateAsyncAck");

/**
 * POST /cursor/iterate/async — acknowledged at once; the iterate result (with every iteration)
 * goes to `callbackUrl`, else to JAREK_VA_URL's `/cursor-runner/callback` (§6.1). Unlike the
 * original this route checks WEBHOOK_SECRET, as execute/async does (§12 item 2).
 */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/cursor/iterate/async",
    tags: ["execution"],
    summary: "Start an iterate run and report the result to callbackUrl",
    middleware: [requireWebhookSecret()] as const,
    request: { body: { content: { "application/json": { schema: IterateBodySchema } }, required: true } },
    responses: {
      ...commonErrors,
      200: jsonResponse(AckSchema, "Accepted; the loop goes on in the background"),
      400: errorResponse("prompt is required / a field of the wrong type"),
      401: errorResponse(`${WEBHOOK_UNAUTHORIZED} (or a missing bearer token)`),
    },
  }),
  async (c) => {
    const deps = c.var.deps;
    const { config } = deps;
    const raw = c.req.valid("json");
    const body = {
      ...raw,
      callbackUrl:
        raw.callbackUrl ?? raw.callback_url ?? defaultCallbackUrl(config.callbacks.jarekVaUrl, config.callbacks.webhookSecret),
    };
    const requestId = requestIdFor(body);
    const timestamp = new Date().toISOString();
    try {
      const { run } = await deps.iterate.start(await prepareRun(deps, body, "iterate", requestId), body);
      return c.json(
        { success: true, message: ASYNC_ACK, requestId, runId: run.id, eventsUrl: eventsUrl(run.id), timestamp } as const,
        200,
      );
    } catch (error) {
      if (!(error instanceof HttpError) || (error.status >= 500 && error.status !== 503)) throw error;
      // As execute/async: the problem goes to the callback, not the acknowledgement.
      const payload = {
        success: false,
        requestId,
        repository: body.repository ?? undefined,
        error: error.message,
        exitCode: 1,
        duration: "0ms",
        timestamp,
        iterations: 0,
        maxIterations: body.maxIterations || config.iterate.maxIterations,
        output: "",
      };
      await deps.callbacks.enqueue({ requestId, url: body.callbackUrl, payload });
      deps.log.warn({ requestId, error: error.message }, "Async iterate request could not start");
      return c.json({ success: true, message: ASYNC_ACK, requestId, timestamp } as const, 200);
    }
  },
);
