import type { Callbacks } from "../callbacks";
import type { createConversationService } from "../conversations";
import type { Logger } from "../log";
import type { RepoServices } from "../repos/types";
import { callbackPayload } from "./compat";
import type { Summarizer } from "./summarize";
import type { RunHooks, RunRecord } from "./types";

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
export function createRunHooks(deps: {
  callbacks: Callbacks;
  log: Logger;
  repos: RepoServices;
  conversations: ReturnType<typeof createConversationService>;
  /** The callback body of a run (iterate runs carry their iterations); the execute body when absent. */
  payload?: (run: RunRecord) => Promise<Record<string, unknown>>;
  /** Condenses the conversation when a run overflowed the agent's context window (§5.4). */
  summarizer?: Pick<Summarizer, "afterRun">;
}): RunHooks {
  /** Conversation storage may be down (Redis outage): the run goes on, the failure is logged. */
  const record = async (run: RunRecord, role: "user" | "assistant", content: string) => {
    if (!run.conversationId || !content) return;
    try {
      await deps.conversations.addMessage(run.conversationId, role, content);
    } catch (error) {
      deps.log.warn(
        { err: error, runId: run.id, conversationId: run.conversationId },
        "Could not record the conversation message",
      );
    }
  };
  const hooks: RunHooks = {
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
    async onStart(run) {
      await record(run, "user", run.prompt);
    },
    async onFinish(run) {
      await record(run, "assistant", run.output || run.stderr || run.error || "");
      deps.summarizer?.afterRun(run); // in the background, after the answer is recorded
      await hooks.callback?.(run);
    },
    async callback(run) {
      const url = callbackTarget(run);
      if (!url) return;
      await deps.callbacks.enqueue({
        runId: run.id,
        requestId: run.requestId,
        url,
        payload: deps.payload ? await deps.payload(run) : callbackPayload(run),
        dedupeKey: `run:${run.id}`,
      });
    },
  };
  return hooks;
}
