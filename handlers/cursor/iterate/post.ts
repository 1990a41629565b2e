import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { HttpError } from "../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import { IterateBodySchema } from "../../../src/runs/iterate/request";
import { IterationSchema } from "../../../src/runs/iterate/schemas";
import { prepareRun } from "../../../src/runs/prepare";
import { RunAnswerBase } from "../schemas";

export const IterateResultSchema = RunAnswerBase.extend({
  reason: z.string().nullable(),
  iterations: z.number(),
  maxIterations: z.number().nullable(),
  output: z.string(),
  error: z.string().nullable(),
  exitCode: z.number(),
  duration: z.string(),
  reviewJustification: z.string().optional(),
  originalOutput: z.string().optional(),
  iterationDetails: z.array(IterationSchema),
}).openapi("IterateResult");

/**
 * POST /cursor/iterate — runs the agent, has a review agent judge each attempt against the
 * definition of done, and resumes until done (§6). Answers when the loop ends: 200 only when it
 * is really done; 422 with `reason` (max_iterations, max_duration, break_iteration,
 * review_unparseable, review_failed, worker_failed) otherwise.
 */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/cursor/iterate",
    tags: ["execution"],
    summary: "Iterate with a review agent until the definition of done holds",
    request: { body: { content: { "application/json": { schema: IterateBodySchema } }, required: true } },
    responses: {
      200: jsonResponse(IterateResultSchema, "Done: the reviewer agreed and every check passed"),
      400: errorResponse("prompt is required / Invalid repository name / a field of the wrong type"),
      404: errorResponse("Repository not found locally"),
      409: errorResponse("The run was cancelled"),
      422: errorResponse("Not done: see reason, reviewJustification and iterationDetails"),
      500: errorResponse("The run was interrupted or failed internally"),
      503: errorResponse("The agent CLI is not installed"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const deps = c.var.deps;
    const body = c.req.valid("json");
    const { done } = await deps.iterate.start(await prepareRun(deps, body, "iterate"), body);
    const result = await deps.iterate.response(await done);
    if (result.status !== 200) throw new HttpError(result.status, String(result.body.error), { extra: result.body });
    return c.json(result.body as z.infer<typeof IterateResultSchema>, 200);
  },
);
