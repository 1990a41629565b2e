import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../../../src/http/schemas";
import { MessageSchema, MessagesQuery, TaskIdParams } from "../../../schemas";

const Group = z
  .object({ role: z.enum(["USER", "ASSISTANT"]), messages: z.array(MessageSchema), take_over: z.boolean() })
  .openapi("MessageGroup");

/** GET /tasks/:id/messages/processed — tool results and takeover actions relabelled, then grouped (§1.5). */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/tasks/{id}/messages/processed",
    tags: ["tasks"],
    summary: "A task's messages, grouped for display",
    request: { params: TaskIdParams, query: MessagesQuery },
    responses: {
      200: jsonResponse(z.array(Group), "Groups of consecutive messages"),
      404: errorResponse("Task with ID <id> not found"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { page, limit } = c.req.valid("query");
    const groups = await c.var.deps.taskEngine.service.processedMessages(c.req.valid("param").id, {
      limit,
      offset: (page - 1) * limit,
    });
    return c.json(groups, 200);
  },
);
