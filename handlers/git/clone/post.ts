import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { errorResponse, jsonResponse } from "../../../src/http/schemas";
import { CloneBodySchema, CloneResultSchema } from "../schemas";

/** POST /git/clone — clones an http(s) URL into REPOSITORIES_PATH → 201. */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/git/clone",
    tags: ["git"],
    summary: "Clone a repository",
    request: { body: { content: { "application/json": { schema: CloneBodySchema } }, required: true } },
    responses: {
      201: jsonResponse(CloneResultSchema, "The cloned repository"),
      400: errorResponse("Missing URL, unsupported scheme or invalid repository name"),
      401: errorResponse("The remote needs credentials, or rejected them (git_credentials / GITHUB_TOKEN)"),
      404: errorResponse("Remote repository not found"),
      409: errorResponse("Repository '{name}' already exists"),
      502: errorResponse("The remote could not be reached"),
      504: errorResponse("GIT_COMMAND_TIMEOUT elapsed"),
    },
  }),
  async (c) => {
    const result = await c.var.deps.repos.git.clone(c.req.valid("json"));
    return c.json({ success: true as const, ...result }, 201);
  },
);
