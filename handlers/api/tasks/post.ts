import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import { MESSAGES, TaskSchema, taskOrder, taskStatus } from "./schemas";

const CreateTaskSchema = z
  .object({
    prompt: z.string({ error: MESSAGES.promptRequired }).trim().min(1, { error: MESSAGES.promptRequired }),
    order: taskOrder().nullish(),
    status: taskStatus().nullish(),
  })
  .openapi("CreateTask");

/** POST /api/tasks — creates a task (prompt trimmed, uuid assigned) → 201. */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/api/tasks",
    tags: ["tasks"],
    summary: "Create a task",
    request: { body: { content: { "application/json": { schema: CreateTaskSchema } }, required: true } },
    responses: {
      201: jsonResponse(TaskSchema, "The created task"),
      400: errorResponse("A field is missing or of the wrong type"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { prompt, order, status } = c.req.valid("json");
    const task = await c.var.deps.tasks.create({ prompt, order: order ?? 0, status: status ?? 0 });
    return c.json(task, 201);
  },
);
