import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { jsonResponse } from "../../../src/http/schemas";
import { SyncBodySchema, SyncResultSchema, syncErrors } from "../schemas";

/** POST /git/push — pushes a branch to origin (force: true to overwrite). */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/git/push",
    tags: ["git"],
    summary: "Push a repository",
    request: { body: { content: { "application/json": { schema: SyncBodySchema } }, required: true } },
    responses: {
      200: jsonResponse(SyncResultSchema, "Branch and HEAD after the push"),
      ...syncErrors,
    },
  }),
  async (c) => {
    const result = await c.var.deps.repos.git.push(c.req.valid("json"));
    return c.json({ success: true as const, ...result }, 200);
  },
);
