// Node-only: reads the working tree through isomorphic-git and node:fs.
import fs from "node:fs";
import { readdir } from "node:fs/promises";
import git from "isomorphic-git";
import { HttpError } from "../../http/errors";
import { realRootOf, resolveRepository } from "../safe-path";
import type { GitContext } from "./context";
import { toHttpError } from "./errors";
import { currentBranch, headCommit, openRepository } from "./repository";
import { withTimeout } from "./timeout";
import type { FileStatus, RepositoryStatus, RepositorySummary, StatusEntry } from "./types";

/** Longest file list a status answer carries. */
const MAX_STATUS_FILES = 1000;

/** Where clones are assembled before they are renamed into place (never listed). */
export const CLONE_STAGING_DIR = ".cursor-runner-clones";

type Row = [string, 0 | 1, 0 | 1 | 2, 0 | 1 | 2 | 3];

/**
 * Branch, HEAD, dirty flag and the changed files of one repository (`git status`).
 *
 * @example
 * const status = await repositoryStatus(ctx, "app"); // { branch: "main", dirty: false, files: [] }
 */
export async function repositoryStatus(ctx: GitContext, name: string): Promise<RepositoryStatus> {
  const repo = await openRepository(ctx, name);
  return withTimeout(ctx.timeoutMs, "git status", async () => {
    try {
      const rows = (await git.statusMatrix({ fs, dir: repo.dir })) as Row[];
      const files = rows.map(describeRow).filter((entry): entry is StatusEntry => entry !== undefined);
      return {
        name: repo.name,
        branch: await currentBranch(repo.dir),
        commit: await headCommit(repo.dir),
        dirty: files.length > 0,
        files: files.slice(0, MAX_STATUS_FILES),
        filesTruncated: files.length > MAX_STATUS_FILES,
      };
    } catch (error) {
      throw toHttpError(error, { operation: "git status", repository: repo.name });
    }
  });
}

/** Every git repository directly under REPOSITORIES_PATH, with branch, HEAD and dirty flag. */
export async function listRepositories(ctx: GitContext): Promise<RepositorySummary[]> {
  const root = await realRootOf(ctx.root);
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true }))
      .filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && entry.name !== CLONE_STAGING_DIR)
      .map((entry) => entry.name)
      .sort();
  } catch {
    return []; // no repositories directory yet
  }
  return withTimeout(ctx.timeoutMs, "git repositories", async () => {
    const summaries: RepositorySummary[] = [];
    for (const name of names) {
      const summary = await summarize(ctx, name);
      if (summary) summaries.push(summary);
    }
    return summaries;
  });
}

async function summarize(ctx: GitContext, name: string): Promise<RepositorySummary | undefined> {
  try {
    // Same rules as any request: a link pointing out of the root is not a repository of ours.
    const resolved = await resolveRepository(ctx.root, name);
    if (!resolved.exists) return undefined;
    const dir = resolved.path;
    if ((await git.findRoot({ fs, filepath: dir })) !== dir) return undefined;
    return { name, branch: await currentBranch(dir), commit: await headCommit(dir), dirty: await isDirty(dir) };
  } catch (error) {
    if (error instanceof HttpError) return undefined;
    ctx.log.warn({ err: error, repository: name }, "Could not read repository status");
    return undefined;
  }
}

/** Any change against HEAD, untracked files included (ignored ones excluded). */
export async function isDirty(dir: string): Promise<boolean> {
  const rows = (await git.statusMatrix({ fs, dir })) as Row[];
  return rows.some(([, head, workdir, stage]) => !(head === 1 && workdir === 1 && stage === 1));
}

function describeRow([path, head, workdir, stage]: Row): StatusEntry | undefined {
  if (head === 1 && workdir === 1 && stage === 1) return undefined;
  let status: FileStatus;
  if (head === 0 && stage === 0) status = "untracked";
  else if (head === 0) status = "added";
  else if (workdir === 0 || stage === 0) status = "deleted";
  else status = "modified";
  // Staged when the index differs from HEAD (1 = same as HEAD; 0 in the index means staged deletion).
  const staged = head === 0 ? stage !== 0 : stage !== 1;
  return { path, status, staged };
}
