import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { publicTask } from "../../../../src/tasks/public";
import { PostMessageBody, TaskIdParams, TaskSchema } from "../../schemas";

/** POST /tasks/:id/messages — a message from the user; answers with the task (§2.1 #7). */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/tasks/{id}/messages",
    tags: ["tasks"],
    summary: "Send the task a message",
    description:
      "Stored at once and given to the assistant when it next works: on resume for a task that needs help or is under the user's control, " +
      "with the next run for a running one. A COMPLETED task goes back to work to answer it.",
    request: {
      params: TaskIdParams,
      body: { content: { "application/json": { schema: PostMessageBody } }, required: true },
    },
    responses: {
      201: jsonResponse(TaskSchema, "The task"),
      400: errorResponse("message is required"),
      404: errorResponse("Task with ID <id> not found"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const task = await c.var.deps.taskEngine.service.postMessage(c.req.valid("param").id, c.req.valid("json").message);
    return c.json(publicTask(task), 201);
  },
);
