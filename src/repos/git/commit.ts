// Node-only: stages and commits files of a working tree on disk.
import fs from "node:fs";
import git from "isomorphic-git";
import { HttpError } from "../../http/errors";
import type { GitContext } from "./context";
import { toHttpError } from "./errors";
import { withRepositoryLock } from "./lock";
import { currentBranch, openRepository } from "./repository";
import { withTimeout } from "./timeout";
import type { CommitInput, CommitResult } from "./types";

/**
 * Stages every change (`git add -A`, honouring .gitignore and .git/info/exclude, so the workspace
 * trust files stay out) and commits it.
 *
 * @example
 * await commitAll(ctx, { repository: "app", message: "Agent changes" });
 */
export async function commitAll(ctx: GitContext, input: CommitInput): Promise<CommitResult> {
  const message = input.message.trim();
  if (!message) throw new HttpError(400, "Commit message is required");
  const repo = await openRepository(ctx, input.repository);
  return withRepositoryLock(repo.dir, () =>
    withTimeout(ctx.timeoutMs, "git commit", async () => {
      try {
        const rows = await git.statusMatrix({ fs, dir: repo.dir });
        const files: string[] = [];
        for (const [filepath, head, workdir, stage] of rows) {
          if (head === 1 && workdir === 1 && stage === 1) continue;
          if (workdir === 0) {
            if (stage !== 0) await git.remove({ fs, dir: repo.dir, filepath });
          } else {
            await git.add({ fs, dir: repo.dir, filepath });
          }
          files.push(filepath);
        }
        if (files.length === 0) throw new HttpError(409, `Nothing to commit in '${repo.name}': the working tree is clean`);
        const commit = await git.commit({ fs, dir: repo.dir, message, author: input.author ?? ctx.author });
        return { repository: repo.name, branch: await currentBranch(repo.dir), commit, files };
      } catch (error) {
        throw toHttpError(error, { operation: "git commit", repository: repo.name });
      }
    }),
  );
}
