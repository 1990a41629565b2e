import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, jsonResponse } from "../../../src/http/schemas";
import { RepositorySummarySchema } from "../schemas";

/** GET /git/repositories — every git repository under REPOSITORIES_PATH. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/git/repositories",
    tags: ["git"],
    summary: "List repositories",
    responses: {
      200: jsonResponse(
        z.object({ success: z.literal(true), repositories: z.array(RepositorySummarySchema) }),
        "Repositories with current branch, HEAD commit and dirty flag",
      ),
      ...commonErrors,
    },
  }),
  async (c) => {
    const repositories = await c.var.deps.repos.git.list();
    return c.json({ success: true as const, repositories }, 200);
  },
);
