import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { HttpError } from "../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import { runResponse } from "../../../src/runs/compat";
import { ExecuteBodySchema } from "../../../src/runs/execute-request";
import { prepareRun } from "../../../src/runs/prepare";
import { RunAnswerBase } from "../schemas";

export const ExecuteResultSchema = RunAnswerBase.extend({
  command: z.array(z.string()).optional(),
  output: z.string().optional(),
  error: z.string().nullable().optional(),
  exitCode: z.number().optional(),
  duration: z.string().optional(),
  agentSucceeded: z.boolean().optional(),
}).openapi("ExecuteResult");

/**
 * POST /cursor/execute — runs the agent and answers when it is done (§2.4.5). `success` keeps the
 * original's meaning (the run completed); `agentSucceeded` says whether the agent itself succeeded.
 */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/cursor/execute",
    tags: ["execution"],
    summary: "Run the agent and wait for the result",
    request: { body: { content: { "application/json": { schema: ExecuteBodySchema } }, required: true } },
    responses: {
      200: jsonResponse(ExecuteResultSchema, "The run completed (see agentSucceeded)"),
      400: errorResponse("prompt is required / Invalid repository name / a field of the wrong type"),
      404: errorResponse("Repository not found locally"),
      409: errorResponse(
        "The run was cancelled, or its workspace could not be prepared (unknown branch, local changes in the way)",
      ),
      429: errorResponse("Too many runs waiting; retry after Retry-After seconds"),
      500: errorResponse("The run timed out, went idle, exceeded the output cap or could not start"),
      503: errorResponse("The agent CLI is not installed"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { runs } = c.var.deps;
    const { done } = await runs.start(await prepareRun(c.var.deps, c.req.valid("json"), "sync"));
    const { status, body } = runResponse(await done);
    // Timeouts, caps and spawn failures were thrown errors in the original (HTTP 500); same here.
    if (status !== 200) throw new HttpError(status, String(body.error), { extra: body });
    return c.json(body as z.infer<typeof ExecuteResultSchema>, 200);
  },
);
