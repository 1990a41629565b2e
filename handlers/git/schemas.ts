import { z } from "@hono/zod-openapi";
import { errorResponse } from "../../src/http/schemas";
import { REPOSITORY_NAME_REQUIRED } from "../../src/repos/repository-name";

export const MESSAGES = {
  repositoryRequired: REPOSITORY_NAME_REQUIRED,
  urlRequired: "url is required: the http(s) URL of the repository to clone",
  branchRequired: "branch is required (also accepted as branchName)",
  branchString: "branch must be a string",
  depth: "depth must be a positive integer",
  flag: (name: string) => `${name} must be true or false`,
} as const;

const repository = () =>
  z
    .string({ error: MESSAGES.repositoryRequired })
    .trim()
    .min(1, { error: MESSAGES.repositoryRequired })
    .openapi({ description: "Directory name under REPOSITORIES_PATH", example: "my-app" });

const optionalBranch = () =>
  z.string({ error: MESSAGES.branchString }).trim().min(1, { error: MESSAGES.branchString }).optional();

export const RepositorySummarySchema = z
  .object({
    name: z.string(),
    branch: z.string().nullable(),
    commit: z.string().nullable(),
    dirty: z.boolean(),
  })
  .openapi("GitRepository");

export const StatusSchema = z
  .object({
    success: z.literal(true),
    name: z.string(),
    branch: z.string().nullable(),
    commit: z.string().nullable(),
    dirty: z.boolean(),
    files: z.array(
      z.object({ path: z.string(), status: z.enum(["untracked", "added", "modified", "deleted"]), staged: z.boolean() }),
    ),
    filesTruncated: z.boolean(),
  })
  .openapi("GitStatus");

export const CloneBodySchema = z
  .object({
    url: z.string().optional().openapi({ example: "https://github.com/org/app.git" }),
    repositoryUrl: z.string().optional().openapi({ description: "Alias of url" }),
    repository_url: z.string().optional().openapi({ description: "Alias of url" }),
    repository: z.string().optional().openapi({ description: "Directory name (default: from the URL)" }),
    name: z.string().optional().openapi({ description: "Alias of repository" }),
    branch: optionalBranch(),
    branchName: optionalBranch(),
    depth: z.number({ error: MESSAGES.depth }).int({ error: MESSAGES.depth }).min(1, { error: MESSAGES.depth }).optional(),
  })
  .transform((body, ctx) => {
    const url = (body.url ?? body.repositoryUrl ?? body.repository_url)?.trim();
    if (!url) {
      ctx.addIssue({ code: "custom", path: ["url"], message: MESSAGES.urlRequired });
      return z.NEVER;
    }
    return { url, name: body.repository ?? body.name, branch: body.branch ?? body.branchName, depth: body.depth };
  })
  .openapi("GitCloneRequest");

export const CloneResultSchema = z
  .object({
    success: z.literal(true),
    repository: z.string(),
    url: z.string().openapi({ description: "The remote, without credentials" }),
    branch: z.string().nullable(),
    commit: z.string().nullable(),
  })
  .openapi("GitCloneResult");

export const CheckoutBodySchema = z
  .object({
    repository: repository(),
    branch: optionalBranch(),
    branchName: optionalBranch(),
    create: z.boolean({ error: MESSAGES.flag("create") }).optional(),
    createBranch: z.boolean({ error: MESSAGES.flag("createBranch") }).optional(),
  })
  .transform((body, ctx) => {
    const branch = body.branch ?? body.branchName;
    if (!branch) {
      ctx.addIssue({ code: "custom", path: ["branch"], message: MESSAGES.branchRequired });
      return z.NEVER;
    }
    return { repository: body.repository, branch, create: body.create ?? body.createBranch ?? false };
  })
  .openapi("GitCheckoutRequest");

export const CheckoutResultSchema = z
  .object({
    success: z.literal(true),
    repository: z.string(),
    branch: z.string(),
    created: z.boolean(),
    commit: z.string().nullable(),
  })
  .openapi("GitCheckoutResult");

export const SyncBodySchema = z
  .object({
    repository: repository(),
    branch: optionalBranch(),
    branchName: optionalBranch(),
    force: z.boolean({ error: MESSAGES.flag("force") }).optional(),
  })
  .transform((body) => ({ repository: body.repository, branch: body.branch ?? body.branchName, force: body.force }))
  .openapi("GitSyncRequest");

export const SyncResultSchema = z
  .object({
    success: z.literal(true),
    repository: z.string(),
    branch: z.string(),
    commit: z.string().nullable(),
    updated: z.boolean(),
  })
  .openapi("GitSyncResult");

/** Errors pull and push share (both talk to origin with stored or env credentials). */
export const syncErrors = {
  400: errorResponse("Invalid repository or branch name, or no origin remote"),
  401: errorResponse("The remote needs credentials, or rejected them (git_credentials / GITHUB_TOKEN)"),
  404: errorResponse("Repository not found"),
  409: errorResponse("Diverged branches or a rejected push"),
  502: errorResponse("The remote could not be reached"),
  504: errorResponse("GIT_COMMAND_TIMEOUT elapsed"),
} as const;
