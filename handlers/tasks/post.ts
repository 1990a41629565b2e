import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../src/http/schemas";
import { publicTask } from "../../src/tasks/public";
import { CreateTaskBody, TaskSchema } from "./schemas";

/** POST /tasks — creates a task (§2.1 #2): PENDING, under the assistant's control; the processor picks it up. */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/tasks",
    tags: ["tasks"],
    summary: "Create a task",
    description:
      "An `agent` task runs a coding-agent CLI in `repository`; a `desktop` task is driven by the desktop agent. " +
      "`model` may be an entry of GET /tasks/models (its provider picks the kind and agent) or a model name. " +
      "Files are `{name, base64, type?}` (at most TASK_MAX_FILES, each up to TASK_MAX_FILE_BYTES).",
    request: { body: { content: { "application/json": { schema: CreateTaskBody } }, required: true } },
    responses: {
      201: jsonResponse(TaskSchema, "The task"),
      400: errorResponse("A field is missing or malformed (the message names it)"),
      404: errorResponse("Repository not found locally"),
      413: errorResponse("The body or a file is too large"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { model, callbackUrl, callback_url, ...body } = c.req.valid("json");
    const task = await c.var.deps.taskEngine.service.create({
      ...body,
      ...(typeof model === "string" ? { modelName: model } : model ? { model: { title: model.name, ...model } } : {}),
      callbackUrl: callbackUrl ?? callback_url,
    });
    return c.json(publicTask(task), 201);
  },
);
