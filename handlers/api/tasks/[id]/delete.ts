import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { MESSAGES, TaskIdParams } from "../schemas";

const DeletedSchema = z.object({ success: z.literal(true), message: z.literal(MESSAGES.deleted) });

/** DELETE /api/tasks/:id */
export default defineEndpoint(
  createRoute({
    method: "delete",
    path: "/api/tasks/{id}",
    tags: ["tasks"],
    summary: "Delete a task",
    request: { params: TaskIdParams },
    responses: {
      200: jsonResponse(DeletedSchema, "Deleted"),
      400: errorResponse(MESSAGES.invalidId),
      404: errorResponse(MESSAGES.notFound),
      ...commonErrors,
    },
  }),
  async (c) => {
    const deleted = await c.var.deps.tasks.remove(c.req.valid("param").id);
    if (!deleted) throw new HttpError(404, MESSAGES.notFound);
    return c.json({ success: true, message: MESSAGES.deleted } as const, 200);
  },
);
