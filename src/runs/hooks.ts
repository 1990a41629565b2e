import type { Callbacks } from "../callbacks";
import type { Logger } from "../log";
import type { RepoServices } from "../repos/types";
import { callbackPayload } from "./compat";
import type { RunHooks } from "./service";
import type { RunRecord } from "./types";

/** Rebuilds the callback URL with its own secret, which the outbox takes out again and sends as a header. */
export function callbackTarget(run: Pick<RunRecord, "callbackUrl" | "callbackSecret">): string | null {
  if (!run.callbackUrl) return null;
  if (!run.callbackSecret) return run.callbackUrl;
  const url = new URL(run.callbackUrl);
  url.searchParams.set("secret", run.callbackSecret);
  return url.toString();
}

/**
 * What happens around every run: the workspace is readied (trust files, the requested branch
 * checked out) before the agent starts, and the result is queued for delivery to the callback URL
 * (the outbox retries and survives restarts).
 */
export function createRunHooks(deps: { callbacks: Callbacks; log: Logger; repos: RepoServices }): RunHooks {
  return {
    async prepare(run, note) {
      const trust = await deps.repos.ensureWorkspaceTrust(run.cwd);
      if (trust.errors.length > 0) deps.log.warn({ runId: run.id, errors: trust.errors }, "Workspace trust incomplete");
      if (!run.branch) return;
      try {
        const result = await deps.repos.git.prepareBranch(run.cwd, run.branch, { createBranch: run.createBranch });
        note(
          `on branch ${result.branch}${result.created ? " (created)" : ""} at ${result.commit?.slice(0, 12) ?? "an empty history"}`,
        );
      } catch (error) {
        // The original only echoed branchName; outside a git repository we keep doing just that.
        if ((error as Error).name !== "NotAGitRepositoryError") throw error;
        note(`branch ${run.branch} not checked out: the workspace is not a git repository`);
      }
    },
    async onFinish(run) {
      const url = callbackTarget(run);
      if (!url) return;
      await deps.callbacks.enqueue({ runId: run.id, requestId: run.requestId, url, payload: callbackPayload(run) });
    },
  };
}
