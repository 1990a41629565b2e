import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../src/http/env";
import type { FileTree } from "../../src/repos/file-tree-types";

/** §10.3's node; `truncated` marks a directory the entry cap cut short. */
export const FileNodeSchema: z.ZodType = z
  .object({
    name: z.string(),
    path: z.string().openapi({ description: "Relative to the listed root, '/'-separated" }),
    type: z.enum(["file", "directory"]),
    children: z.array(z.lazy(() => FileNodeSchema)).optional(),
    truncated: z.boolean().optional(),
  })
  .openapi("FileNode");

const MESSAGES = {
  gitignore: "gitignore must be true or false",
  maxDepth: "maxDepth must be an integer from 0 to 50",
} as const;

export const FileTreeQuery = z.object({
  gitignore: z
    .enum(["true", "false", "1", "0"], { error: MESSAGES.gitignore })
    .optional()
    .transform((raw) => raw === "true" || raw === "1")
    .openapi({ description: "Also hide what the repository's .gitignore files ignore", type: "string", example: "true" }),
  maxDepth: z
    .string()
    .regex(/^\d{1,2}$/, { error: MESSAGES.maxDepth })
    .transform(Number)
    .refine((value) => value <= 50, { error: MESSAGES.maxDepth })
    .optional()
    .openapi({ description: "Levels listed (default 10)", type: "string", example: "10" }),
});

export const fileTreeHeaders = {
  "X-File-Tree-Entries": { description: "Nodes listed", schema: { type: "string" as const } },
  "X-File-Tree-Truncated": {
    description: "'true' when FILE_TREE_MAX_ENTRIES cut the listing",
    schema: { type: "string" as const },
  },
};

/** Sends a tree as the original's bare `FileNode[]`, with the cap reported in headers. */
export function sendFileTree(c: Context<AppEnv>, tree: FileTree, headers: Record<string, string> = {}) {
  return c.json(tree.nodes, 200, {
    ...headers,
    "X-File-Tree-Entries": String(tree.entries),
    "X-File-Tree-Truncated": String(tree.truncated),
  });
}
