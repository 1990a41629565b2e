// Node-only: switches branches in a working tree on disk.
import fs from "node:fs";
import { basename } from "node:path";
import git from "isomorphic-git";
import { HttpError } from "../../http/errors";
import { assertInsideRoot } from "../safe-path";
import { authSession } from "./auth";
import type { GitContext } from "./context";
import { toHttpError } from "./errors";
import { httpWithSignal } from "./http";
import { withRepositoryLock } from "./lock";
import { checkBranchName } from "./refname";
import { currentBranch, headCommit, openRepository, originUrl, requireGitDir } from "./repository";
import { withTimeout } from "./timeout";
import type { BranchResult, CheckoutInput, CheckoutResult } from "./types";

/**
 * POST /git/checkout: checks a branch out, creating it when asked.
 *
 * @example
 * await checkoutBranch(ctx, { repository: "app", branch: "feature/x", create: true });
 */
export async function checkoutBranch(ctx: GitContext, input: CheckoutInput): Promise<CheckoutResult> {
  const repo = await openRepository(ctx, input.repository);
  const result = await prepareBranch(ctx, repo.dir, input.branch, { createBranch: input.create ?? false });
  return { repository: repo.name, ...result };
}

/**
 * Puts `repoDir` on `branchName` before a run: the local branch if it exists, else origin's
 * (fetched when this clone has not seen it yet), else — with createBranch — a new branch at HEAD.
 * Local changes that the switch would overwrite give 409; an unknown branch without createBranch
 * gives 404.
 *
 * @example
 * const repo = await resolveRepository(config.paths.repositories, body.repository);
 * await prepareBranch(ctx, repo.path, body.branchName, { createBranch: body.createBranch });
 */
export async function prepareBranch(
  ctx: GitContext,
  repoDir: string,
  branchName: string,
  options: { createBranch?: boolean } = {},
): Promise<BranchResult> {
  const branch = branchName.trim();
  checkBranchName(branch);
  const dir = await assertInsideRoot(ctx.root, repoDir);
  const name = basename(dir);
  await requireGitDir(dir, name);
  return withRepositoryLock(dir, () =>
    withTimeout(ctx.timeoutMs, "git checkout", async (signal) => {
      let credentialSource: string | undefined;
      try {
        if ((await currentBranch(dir)) === branch) return { branch, created: false, commit: await headCommit(dir) };
        let known = await hasBranch(dir, branch);
        if (!known) {
          credentialSource = await fetchBranch(ctx, dir, name, branch, signal);
          known = await hasBranch(dir, branch);
        }
        if (known) {
          await git.checkout({ fs, dir, ref: branch, remote: "origin" });
          return { branch, created: false, commit: await headCommit(dir) };
        }
        if (!options.createBranch) {
          throw new HttpError(
            404,
            `Branch '${branch}' not found in repository '${name}' (locally or on origin); pass createBranch: true to create it`,
          );
        }
        await git.branch({ fs, dir, ref: branch, checkout: true });
        ctx.log.info({ repository: name, branch }, "Created branch");
        return { branch, created: true, commit: await headCommit(dir) };
      } catch (error) {
        throw toHttpError(error, { operation: "git checkout", repository: name, credentialSource });
      }
    }),
  );
}

async function hasBranch(dir: string, branch: string): Promise<boolean> {
  if ((await git.listBranches({ fs, dir })).includes(branch)) return true;
  return (await git.listBranches({ fs, dir, remote: "origin" })).includes(branch);
}

/** Fetches one branch from origin; a branch origin does not have is not an error. */
async function fetchBranch(ctx: GitContext, dir: string, name: string, branch: string, signal: AbortSignal) {
  const url = await originUrl(dir);
  if (!url) return undefined;
  const session = authSession(ctx.credentials, url, name);
  try {
    await git.fetch({
      fs,
      http: httpWithSignal(signal),
      dir,
      remote: "origin",
      ref: branch,
      singleBranch: true,
      onAuth: session.onAuth,
      onAuthFailure: session.onAuthFailure,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "NotFoundError") return session.source;
    throw toHttpError(error, { operation: "git fetch", url, credentialSource: session.source });
  }
  return session.source;
}
