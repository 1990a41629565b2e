import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse, lenientInt } from "../../../src/http/schemas";
import { MESSAGES, TaskSchema } from "./schemas";

/** GET /api/tasks[?status=N] — tasks ordered by `order`, then `id`. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/api/tasks",
    tags: ["tasks"],
    summary: "List tasks, optionally filtered by status",
    request: {
      query: z.object({
        status: lenientInt(MESSAGES.invalidStatusParam)
          .optional()
          .openapi({ param: { name: "status", in: "query" }, type: "string", example: "0" }),
      }),
    },
    responses: {
      200: jsonResponse(z.array(TaskSchema), "Tasks"),
      400: errorResponse(MESSAGES.invalidStatusParam),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { status } = c.req.valid("query");
    return c.json(await c.var.deps.tasks.list(status), 200);
  },
);
