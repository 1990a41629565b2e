import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { MESSAGES, TaskIdParams, TaskSchema, taskOrder, taskStatus } from "../schemas";

const UpdateTaskSchema = z
  .object({
    prompt: z.string({ error: MESSAGES.promptNonEmpty }).trim().min(1, { error: MESSAGES.promptNonEmpty }).optional(),
    status: taskStatus().optional(),
    order: taskOrder().optional(),
  })
  .openapi("UpdateTask");

/** PUT /api/tasks/:id — updates the fields given; an empty body returns the task unchanged. */
export default defineEndpoint(
  createRoute({
    method: "put",
    path: "/api/tasks/{id}",
    tags: ["tasks"],
    summary: "Update a task",
    request: { params: TaskIdParams, body: { content: { "application/json": { schema: UpdateTaskSchema } } } },
    responses: {
      200: jsonResponse(TaskSchema, "The updated task"),
      400: errorResponse("Invalid id or field"),
      404: errorResponse(MESSAGES.notFound),
      ...commonErrors,
    },
  }),
  async (c) => {
    const task = await c.var.deps.tasks.update(c.req.valid("param").id, c.req.valid("json"));
    if (!task) throw new HttpError(404, MESSAGES.notFound);
    return c.json(task, 200);
  },
);
