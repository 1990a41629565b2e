import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { errorResponse, jsonResponse } from "../../../src/http/schemas";
import { SyncBodySchema, SyncResultSchema } from "../schemas";

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
      400: errorResponse("Invalid repository or branch name, or no origin remote"),
      401: errorResponse("The remote needs credentials, or rejected them (git_credentials / GITHUB_TOKEN)"),
      404: errorResponse("Repository not found"),
      409: errorResponse("Diverged branches or a rejected push"),
      502: errorResponse("The remote could not be reached"),
      504: errorResponse("GIT_COMMAND_TIMEOUT elapsed"),
    },
  }),
  async (c) => {
    const result = await c.var.deps.repos.git.push(c.req.valid("json"));
    return c.json({ success: true as const, ...result }, 200);
  },
);
