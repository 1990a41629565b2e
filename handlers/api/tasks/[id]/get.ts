import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { MESSAGES, TaskIdParams, TaskSchema } from "../schemas";

/** GET /api/tasks/:id */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/api/tasks/{id}",
    tags: ["tasks"],
    summary: "Get one task",
    request: { params: TaskIdParams },
    responses: {
      200: jsonResponse(TaskSchema, "The task"),
      400: errorResponse(MESSAGES.invalidId),
      404: errorResponse(MESSAGES.notFound),
      ...commonErrors,
    },
  }),
  async (c) => {
    const task = await c.var.deps.tasks.get(c.req.valid("param").id);
    if (!task) throw new HttpError(404, MESSAGES.notFound);
    return c.json(task, 200);
  },
);
