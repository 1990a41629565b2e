// Node-only: clones into REPOSITORIES_PATH with node:fs.
import fs from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import git from "isomorphic-git";
import { HttpError } from "../../http/errors";
import { realRootOf, resolveRepository } from "../safe-path";
import { authSession } from "./auth";
import type { GitContext } from "./context";
import { toHttpError } from "./errors";
import { httpWithSignal } from "./http";
import { checkBranchName } from "./refname";
import { currentBranch, headCommit } from "./repository";
import { CLONE_STAGING_DIR } from "./status";
import { withTimeout } from "./timeout";
import type { CloneInput, CloneResult } from "./types";
import { parseRemoteUrl, repositoryNameFromUrl } from "./url";

/**
 * Clones an http(s) URL into REPOSITORIES_PATH/<name> (name derived from the URL when absent).
 * The clone is assembled in a staging folder and renamed into place, so a failed or timed-out
 * clone leaves nothing behind. Credentials embedded in the URL are used but never stored:
 * .git/config gets the URL without them.
 *
 * @example
 * await cloneRepository(ctx, { url: "https://github.com/org/app.git" }); // → REPOSITORIES_PATH/app
 */
export async function cloneRepository(ctx: GitContext, input: CloneInput): Promise<CloneResult> {
  const remote = parseRemoteUrl(input.url);
  const name = input.name?.trim() || repositoryNameFromUrl(remote.url);
  const target = await resolveRepository(ctx.root, name);
  if (target.exists) throw new HttpError(409, `Repository '${target.name}' already exists`);
  if (input.branch) checkBranchName(input.branch);

  const stagingRoot = join(await realRootOf(ctx.root), CLONE_STAGING_DIR);
  await mkdir(stagingRoot, { recursive: true });
  const staging = await mkdtemp(join(stagingRoot, "clone-"));
  const session = authSession(ctx.credentials, remote.url, target.name, remote.auth);

  await withTimeout(ctx.timeoutMs, "git clone", async (signal) => {
    try {
      await git.clone({
        fs,
        http: httpWithSignal(signal),
        dir: staging,
        url: remote.url,
        ...(input.branch ? { ref: input.branch } : {}),
        ...(input.depth ? { depth: input.depth } : {}),
        onAuth: session.onAuth,
        onAuthFailure: session.onAuthFailure,
      });
      if (signal.aborted) throw new HttpError(504, "git clone timed out");
      await rename(staging, target.path).catch((error) => {
        throw new HttpError(409, `Repository '${target.name}' already exists`, { cause: error });
      });
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw toHttpError(error, { operation: "git clone", url: remote.url, credentialSource: session.source });
    }
  });
  ctx.log.info({ repository: target.name, url: remote.url, credentialSource: session.source ?? "none" }, "Cloned repository");
  return {
    repository: target.name,
    url: remote.url,
    branch: await currentBranch(target.path),
    commit: await headCommit(target.path),
  };
}
