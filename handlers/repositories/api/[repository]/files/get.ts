import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../../src/http/endpoint";
import { HttpError } from "../../../../../src/http/errors";
import { commonErrors, errorResponse } from "../../../../../src/http/schemas";
import { FileNodeSchema, FileTreeQuery, fileTreeHeaders, sendFileTree } from "../../../schemas";

const Params = z.object({
  repository: z.string().openapi({ param: { name: "repository", in: "path" }, example: "my-app" }),
});

/** GET /repositories/api/:repository/files — §2.4.9, with the name resolved inside REPOSITORIES_PATH. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/repositories/api/{repository}/files",
    tags: ["repositories"],
    summary: "File tree of a repository",
    request: { params: Params, query: FileTreeQuery },
    responses: {
      200: {
        description: "The repository's files (§10.3), directories first",
        headers: fileTreeHeaders,
        content: { "application/json": { schema: z.array(FileNodeSchema) } },
      },
      400: errorResponse("Repository name is required / Invalid repository name"),
      404: errorResponse("Repository '{name}' not found"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { deps } = c.var;
    const { repository } = c.req.valid("param");
    const { gitignore, maxDepth } = c.req.valid("query");
    const resolved = await deps.workspaces.resolve(repository);
    const tree = resolved.exists ? await deps.repos.fileTree(resolved.path, { gitignore, maxDepth }) : null;
    if (!tree) throw new HttpError(404, `Repository '${resolved.name}' not found`);
    return sendFileTree(c, tree);
  },
);
