import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { HttpError } from "../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import { publicRun } from "../../../src/runs/compat";
import { RunIdParams, RunSchema } from "../schemas";

/** GET /runs/:id — a run's state and result. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/runs/{id}",
    tags: ["runs"],
    summary: "Get a run",
    request: { params: RunIdParams },
    responses: { 200: jsonResponse(RunSchema, "The run"), 404: errorResponse("Run not found"), ...commonErrors },
  }),
  async (c) => {
    const run = await c.var.deps.runs.get(c.req.valid("param").id);
    if (!run) throw new HttpError(404, "Run not found");
    if (run.mode !== "iterate") return c.json(publicRun(run), 200);
    const { options, iterations } = await c.var.deps.iterate.describe(run.id);
    const iterate = options ? { ...options, doneWhen: options.doneWhen ?? null } : undefined;
    return c.json({ ...publicRun(run), ...(iterate ? { iterate } : {}), iterations }, 200);
  },
);
