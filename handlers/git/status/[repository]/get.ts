import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { StatusSchema } from "../../schemas";

const Params = z.object({
  repository: z.string().openapi({ param: { name: "repository", in: "path" }, example: "my-app" }),
});

/** GET /git/status/:repository — branch, HEAD, dirty flag and changed files. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/git/status/{repository}",
    tags: ["git"],
    summary: "Status of a repository",
    request: { params: Params },
    responses: {
      200: jsonResponse(StatusSchema, "The repository's status"),
      400: errorResponse("Invalid repository name, or not a git repository"),
      404: errorResponse("Repository '{name}' not found"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const status = await c.var.deps.repos.git.status(c.req.valid("param").repository);
    return c.json({ success: true as const, ...status }, 200);
  },
);
