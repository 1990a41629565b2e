import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint, type Endpoint } from "../../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { MessageSchema, MessagesQuery, TaskIdParams } from "../../schemas";

/** `GET /tasks/:id/messages` and its `/raw` twin (§2.1 #6, #8): messages oldest first, paged. */
export function listMessages(path: "/tasks/{id}/messages" | "/tasks/{id}/messages/raw"): Endpoint {
  return defineEndpoint(
    createRoute({
      method: "get",
      path,
      tags: ["tasks"],
      summary: path.endsWith("/raw") ? "A task's messages as stored" : "A task's messages",
      request: { params: TaskIdParams, query: MessagesQuery },
      responses: {
        200: jsonResponse(z.array(MessageSchema), "Messages, oldest first"),
        404: errorResponse("Task with ID <id> not found"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { page, limit } = c.req.valid("query");
      const messages = await c.var.deps.taskEngine.service.messages(c.req.valid("param").id, {
        limit,
        offset: (page - 1) * limit,
      });
      return c.json(messages, 200);
    },
  );
}

export default listMessages("/tasks/{id}/messages");
