// Node-only: checks the repository on disk.
import fs from "node:fs";
import git from "isomorphic-git";
import { HttpError } from "../../http/errors";
import { resolveRepository } from "../safe-path";
import type { GitContext } from "./context";

export interface OpenRepository {
  name: string;
  dir: string;
}

/**
 * Resolves a repository name inside REPOSITORIES_PATH (400 when unsafe), then requires it to
 * exist (404) and to be a git working tree (400).
 *
 * @example
 * const { dir } = await openRepository(ctx, "app");
 */
export async function openRepository(ctx: GitContext, name: string): Promise<OpenRepository> {
  const resolved = await resolveRepository(ctx.root, name);
  if (!resolved.exists) throw new HttpError(404, `Repository '${resolved.name}' not found`);
  await requireGitDir(resolved.path, resolved.name);
  return { name: resolved.name, dir: resolved.path };
}

/** The directory is not (the top of) a git repository. */
export class NotAGitRepositoryError extends HttpError {
  override name = "NotAGitRepositoryError";
}

export async function requireGitDir(dir: string, name: string): Promise<void> {
  try {
    await git.findRoot({ fs, filepath: dir }).then((root) => {
      if (root !== dir) throw new Error("nested");
    });
  } catch {
    throw new NotAGitRepositoryError(400, `Repository '${name}' is not a git repository (no .git in its directory)`);
  }
}

/** The origin remote's URL, or undefined when there is none. */
export async function originUrl(dir: string): Promise<string | undefined> {
  const value = await git.getConfig({ fs, dir, path: "remote.origin.url" });
  return typeof value === "string" && value ? value : undefined;
}

/** HEAD's commit, or null in a repository without commits. */
export async function headCommit(dir: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, dir, ref: "HEAD" });
  } catch {
    return null;
  }
}

export async function currentBranch(dir: string): Promise<string | null> {
  return (await git.currentBranch({ fs, dir, fullname: false })) ?? null;
}
