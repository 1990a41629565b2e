import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { jsonResponse } from "../../../src/http/schemas";
import { SyncBodySchema, SyncResultSchema, syncErrors } from "../schemas";

/** POST /git/pull — fetches origin and merges into the checked-out branch. */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/git/pull",
    tags: ["git"],
    summary: "Pull a repository",
    request: { body: { content: { "application/json": { schema: SyncBodySchema } }, required: true } },
    responses: {
      200: jsonResponse(SyncResultSchema, "Branch and HEAD after the pull"),
      ...syncErrors,
    },
  }),
  async (c) => {
    const result = await c.var.deps.repos.git.pull(c.req.valid("json"));
    return c.json({ success: true as const, ...result }, 200);
  },
);
