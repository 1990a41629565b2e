// Node-only: pull and push through isomorphic-git over node:fs.
import fs from "node:fs";
import git from "isomorphic-git";
import { HttpError } from "../../http/errors";
import { authSession } from "./auth";
import type { GitContext } from "./context";
import { toHttpError } from "./errors";
import { httpWithSignal } from "./http";
import { withRepositoryLock } from "./lock";
import { checkBranchName } from "./refname";
import { currentBranch, headCommit, type OpenRepository, openRepository, originUrl } from "./repository";
import { withTimeout } from "./timeout";
import type { SyncInput, SyncResult } from "./types";

/**
 * POST /git/pull: fetches origin and merges its branch into the checked-out one (a merge commit
 * is made with GIT_USER_NAME/GIT_USER_EMAIL when the histories diverged without conflicts).
 *
 * @example
 * await pullRepository(ctx, { repository: "app" }); // { branch: "main", updated: true, ... }
 */
export async function pullRepository(ctx: GitContext, input: SyncInput): Promise<SyncResult> {
  const { repo, url, branch } = await prepareSync(ctx, input, "pull");
  return withRepositoryLock(repo.dir, () =>
    withTimeout(ctx.timeoutMs, "git pull", async (signal) => {
      const session = authSession(ctx.credentials, url, repo.name);
      const before = await headCommit(repo.dir);
      try {
        await git.pull({
          fs,
          http: httpWithSignal(signal),
          dir: repo.dir,
          remote: "origin",
          ref: branch,
          singleBranch: true,
          author: ctx.author,
          onAuth: session.onAuth,
          onAuthFailure: session.onAuthFailure,
        });
      } catch (error) {
        throw toHttpError(error, { operation: "git pull", url, repository: repo.name, credentialSource: session.source });
      }
      const after = await headCommit(repo.dir);
      ctx.log.info({ repository: repo.name, branch, url, credentialSource: session.source ?? "none" }, "Pulled repository");
      return { repository: repo.name, branch, commit: after, updated: before !== after };
    }),
  );
}

/**
 * POST /git/push: pushes a local branch (default: the checked-out one) to origin.
 * A non-fast-forward push is refused with 409 unless `force` is set.
 *
 * @example
 * await pushRepository(ctx, { repository: "app", branch: "feature/x" });
 */
export async function pushRepository(ctx: GitContext, input: SyncInput): Promise<SyncResult> {
  const { repo, url, branch } = await prepareSync(ctx, input, "push");
  return withRepositoryLock(repo.dir, () =>
    withTimeout(ctx.timeoutMs, "git push", async (signal) => {
      const session = authSession(ctx.credentials, url, repo.name);
      const remoteBefore = await git.resolveRef({ fs, dir: repo.dir, ref: `refs/remotes/origin/${branch}` }).catch(() => null);
      try {
        const result = await git.push({
          fs,
          http: httpWithSignal(signal),
          dir: repo.dir,
          remote: "origin",
          ref: branch,
          force: input.force ?? false,
          signal,
          onAuth: session.onAuth,
          onAuthFailure: session.onAuthFailure,
        });
        if (!result.ok) throw new HttpError(409, `Push rejected by ${url}: ${result.error ?? "unknown reason"}`);
      } catch (error) {
        throw toHttpError(error, { operation: "git push", url, repository: repo.name, credentialSource: session.source });
      }
      const commit = await headCommit(repo.dir);
      ctx.log.info({ repository: repo.name, branch, url, credentialSource: session.source ?? "none" }, "Pushed repository");
      return { repository: repo.name, branch, commit, updated: remoteBefore !== commit };
    }),
  );
}

async function prepareSync(ctx: GitContext, input: SyncInput, verb: "pull" | "push") {
  const repo: OpenRepository = await openRepository(ctx, input.repository);
  const url = await originUrl(repo.dir);
  if (!url) throw new HttpError(400, `Repository '${repo.name}' has no origin remote to ${verb}`);
  const current = await currentBranch(repo.dir);
  const branch = input.branch?.trim() || current;
  if (!branch) throw new HttpError(409, `Repository '${repo.name}' has a detached HEAD: pass the branch to ${verb}`);
  checkBranchName(branch);
  if (verb === "pull" && branch !== current) {
    throw new HttpError(409, `Pull merges into the checked-out branch '${current}': check out '${branch}' first`);
  }
  return { repo, url, branch };
}
