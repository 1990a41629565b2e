import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import { publicFile, publicTask } from "../../../src/tasks/public";
import { TaskIdParams, TaskWithFilesSchema } from "../schemas";

/** GET /tasks/:id — the task with its files, base64 included (§2.1 #5). */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/tasks/{id}",
    tags: ["tasks"],
    summary: "Get a task",
    request: { params: TaskIdParams },
    responses: {
      200: jsonResponse(TaskWithFilesSchema, "The task and its files"),
      400: errorResponse("Malformed task id"),
      404: errorResponse("Task with ID <id> not found"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { service } = c.var.deps.taskEngine;
    const { id } = c.req.valid("param");
    const task = await service.get(id);
    return c.json({ ...publicTask(task), files: (await service.files(id)).map(publicFile) }, 200);
  },
);
