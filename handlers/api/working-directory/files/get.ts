import { createRoute, z } from "@hono/zod-openapi";
import type { Config } from "../../../../src/config";
import { defineEndpoint, type Endpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { commonErrors, errorResponse } from "../../../../src/http/schemas";
import { FileNodeSchema, FileTreeQuery, fileTreeHeaders, sendFileTree } from "../../../repositories/schemas";

/** The conversation router's no-cache headers (§2.2). */
const NO_CACHE = {
  "Cache-Control": "no-store, no-cache, must-revalidate, proxy-revalidate",
  Pragma: "no-cache",
  Expires: "0",
};

/** §2.4.8: the parent of the repositories path, unless that parent is "/". */
export function workingDirectory(config: Config): string | undefined {
  const repositories = config.paths.repositories.replace(/\/+$/, "");
  if (repositories) {
    const parent = repositories.slice(0, repositories.lastIndexOf("/"));
    return parent === "" ? repositories || "/" : parent;
  }
  return config.paths.targetApp;
}

/**
 * GET {prefix}/working-directory/files — the conversation router is mounted at `/api` and
 * `/conversations/api`, so one factory builds both endpoints.
 *
 * @example
 * export const conversationsWorkingDirectoryFiles = workingDirectoryFiles("/conversations/api");
 */
export function workingDirectoryFiles(prefix: "/api" | "/conversations/api"): Endpoint {
  return defineEndpoint(
    createRoute({
      method: "get",
      path: `${prefix}/working-directory/files`,
      tags: ["conversations"],
      summary: "File tree of the working directory",
      request: { query: FileTreeQuery },
      responses: {
        200: {
          description: "The working directory's files (§10.3)",
          headers: fileTreeHeaders,
          content: { "application/json": { schema: z.array(FileNodeSchema) } },
        },
        404: errorResponse("Working directory not found: {path}"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { deps } = c.var;
      const { gitignore, maxDepth } = c.req.valid("query");
      const dir = workingDirectory(deps.config);
      const timestamp = () => new Date().toISOString();
      if (!dir) {
        throw new HttpError(500, "Neither REPOSITORIES_PATH nor TARGET_APP_PATH configured", {
          extra: { timestamp: timestamp() },
        });
      }
      const tree = await deps.repos.fileTree(dir, { gitignore, maxDepth });
      if (!tree) {
        throw new HttpError(404, `Working directory not found: ${dir}`, { extra: { timestamp: timestamp() }, headers: NO_CACHE });
      }
      return sendFileTree(c, tree, NO_CACHE);
    },
  );
}

export const apiWorkingDirectoryFiles = workingDirectoryFiles("/api");
export const conversationsWorkingDirectoryFiles = workingDirectoryFiles("/conversations/api");
export default apiWorkingDirectoryFiles;
