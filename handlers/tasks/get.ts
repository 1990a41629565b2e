import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../src/http/schemas";
import { publicTask } from "../../src/tasks/public";
import { ListTasksQuery, TaskSchema } from "./schemas";

const TaskPage = z
  .object({ tasks: z.array(TaskSchema), total: z.number().int(), totalPages: z.number().int() })
  .openapi("TaskPage");

/** GET /tasks?page&limit&status&statuses — newest first (§2.1 #3); `statuses` (comma list) wins over `status`. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/tasks",
    tags: ["tasks"],
    summary: "List tasks",
    request: { query: ListTasksQuery },
    responses: {
      200: jsonResponse(TaskPage, "One page of tasks, newest first"),
      400: errorResponse("A query parameter is malformed (the message names it)"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { page, limit, status, statuses } = c.req.valid("query");
    const filter = statuses?.length ? statuses : status ? [status] : [];
    const { tasks, total } = await c.var.deps.taskEngine.service.list({ statuses: filter, limit, offset: (page - 1) * limit });
    return c.json({ tasks: tasks.map(publicTask), total, totalPages: Math.ceil(total / limit) }, 200);
  },
);
