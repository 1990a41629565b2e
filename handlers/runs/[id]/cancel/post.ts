import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { publicRun } from "../../../../src/runs/compat";
import { RunIdParams, RunSchema } from "../../schemas";

/** POST /runs/:id/cancel — stops a queued or running run (its whole process group) and returns it settled. */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/runs/{id}/cancel",
    tags: ["runs"],
    summary: "Cancel a run",
    request: { params: RunIdParams },
    responses: {
      200: jsonResponse(RunSchema, "The cancelled run"),
      404: errorResponse("Run not found"),
      409: errorResponse("The run already finished"),
      ...commonErrors,
    },
  }),
  async (c) => c.json(publicRun(await c.var.deps.runs.cancel(c.req.valid("param").id)), 200),
);
