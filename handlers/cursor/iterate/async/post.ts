import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { requireWebhookSecret, WEBHOOK_UNAUTHORIZED } from "../../../../src/http/webhook-secret";
import { AsyncAckSchema, acknowledgeAsync } from "../../../../src/runs/async-ack";
import { requestIdFor } from "../../../../src/runs/execute-request";
import { defaultCallbackUrl } from "../../../../src/runs/iterate/callback-url";
import { IterateBodySchema } from "../../../../src/runs/iterate/request";
import { prepareRun } from "../../../../src/runs/prepare";

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
      200: jsonResponse(AsyncAckSchema, "Accepted; the loop goes on in the background"),
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
    const ack = await acknowledgeAsync(deps, {
      requestId,
      repository: body.repository,
      callbackUrl: body.callbackUrl,
      start: async () => (await deps.iterate.start(await prepareRun(deps, body, "iterate", requestId), body)).run,
      failureExtras: { iterations: 0, maxIterations: body.maxIterations || config.iterate.maxIterations, output: "" },
    });
    return c.json(ack, 200);
  },
);
