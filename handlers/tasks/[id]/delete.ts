import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, errorResponse } from "../../../src/http/schemas";
import { TaskIdParams } from "../schemas";

/** DELETE /tasks/:id — stops the task's run first (its process group), then deletes it (§2.1 #10). */
export default defineEndpoint(
  createRoute({
    method: "delete",
    path: "/tasks/{id}",
    tags: ["tasks"],
    summary: "Delete a task",
    request: { params: TaskIdParams },
    responses: {
      204: { description: "Deleted" },
      404: errorResponse("Task with ID <id> not found"),
      ...commonErrors,
    },
  }),
  async (c) => {
    await c.var.deps.taskEngine.service.remove(c.req.valid("param").id);
    return c.body(null, 204);
  },
);
