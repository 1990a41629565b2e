import type { AgentName } from "../../agents/adapter";
import { buildContextString } from "../../conversations/context";
import type { StartOptions, StartRun } from "../service";
import type { RunFinish, RunRecord, RunStatus } from "../types";
import { runDoneWhen } from "./done-when";
import { checkGitCompletion } from "./git-completion";
import type { LoopContext, LoopDeps } from "./loop-deps";
import { buildReviewPrompt, continuationPrompt, DIAGNOSTIC_PROMPT, withContext } from "./prompts";
import type { IterationStore } from "./store";
import type { IterateOptions, IterationOutcome } from "./types";
import { parseVerdict, unparseable } from "./verdict";

export type { LoopContext, LoopDeps } from "./loop-deps";

/** Reasons that end an iterate run with success:false, and the status each settles with. */
const STATUS: Record<Exclude<IterationOutcome, "continue">, RunStatus> = {
  completed: "succeeded",
  break_iteration: "failed",
  review_unparseable: "failed",
  review_failed: "failed",
  max_iterations: "failed",
  max_duration: "timed_out",
  worker_failed: "failed",
  cancelled: "cancelled",
};

/**
 * The iterate loop (§6.2, with §12 item 12 fixed): attempt → (one diagnostic attempt after a
 * silent hang) → executable definition of done → git completion check → review → stop or resume.
 * Every attempt and review is a child run, so slots, timeouts, events and crash recovery apply;
 * every step is written to the iteration's row as it happens. Only `code_complete` with every
 * configured check passing is success; running out of iterations or budget is not.
 */
export async function runIterateLoop(
  deps: LoopDeps,
  parent: RunRecord,
  options: IterateOptions,
  { signal, note, context }: LoopContext,
): Promise<RunFinish> {
  const now = deps.now ?? Date.now;
  const deadline = now() + options.maxDurationMs;
  const remaining = () => deadline - now();
  const within = (limit: number) => Math.max(1, Math.min(limit, remaining()));
  let last: RunRecord | undefined;

  const end = (outcome: Exclude<IterationOutcome, "continue">, error: string | null): RunFinish => ({
    status: STATUS[outcome],
    reason: outcome,
    exitCode: last?.exitCode ?? null,
    output: last?.output ?? null,
    stderr: last?.stderr ?? null,
    error,
  });

  /** One child run, cancelled with the parent. */
  const child = async (
    input: Partial<StartRun> & { agent: AgentName; mode: StartRun["mode"]; prompt: string },
    opts: StartOptions,
  ) => {
    const started = await deps.runs.start(
      {
        requestId: parent.requestId,
        repository: parent.repository,
        cwd: parent.cwd,
        queueType: parent.queueType,
        parentRunId: parent.id,
        ...input,
      },
      opts,
    );
    const cancel = () => void deps.runs.cancel(started.run.id).catch(() => {});
    signal.addEventListener("abort", cancel, { once: true });
    try {
      return await started.done;
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  };

  /** Conversation storage may be down: the loop goes on without memory. */
  const remember = async (role: "user" | "assistant", content: string, isReviewAgent = false) => {
    if (!parent.conversationId || !content) return;
    try {
      await deps.conversations.addMessage(parent.conversationId, role, content, { isReviewAgent });
    } catch (error) {
      deps.log.warn({ err: error, runId: parent.id }, "Could not record the iterate conversation message");
    }
  };
  const freshContext = async () => {
    if (!parent.conversationId) return "";
    try {
      return buildContextString(await deps.conversations.getConversationContext(parent.conversationId));
    } catch {
      return "";
    }
  };

  let raw = parent.prompt;
  let prompt = withContext(context, raw);
  let diagnosed = false;

  for (let i = 1; ; i++) {
    if (signal.aborted) return end("cancelled", "Run cancelled by request");
    if (remaining() <= 0)
      return end("max_duration", `Time budget of ${options.maxDurationMs}ms used up after ${i - 1} iteration(s)`);
    await deps.iterations.begin(parent.id, i, prompt);
    const step = (patch: Parameters<IterationStore["update"]>[2]) => deps.iterations.update(parent.id, i, patch);
    const close = async (outcome: Exclude<IterationOutcome, "continue">, error: string | null = null) => {
      await step({ outcome, finishedAt: new Date(now()).toISOString() });
      return end(outcome, error);
    };
    const budgetGone = () => close("max_duration", `Time budget of ${options.maxDurationMs}ms used up in iteration ${i}`);

    // Attempt.
    const mcpServers = deps.mcp && parent.agent === "cursor" ? (await deps.mcp.select(raw, context)).selectedMcps : undefined;
    note(`iteration ${i}: attempt started`);
    let worker = await child(
      {
        agent: parent.agent,
        mode: "iteration",
        prompt,
        ...(mcpServers ? { mcpServers } : {}),
        // The branch is checked out (or created) once, by the first attempt.
        ...(i === 1 ? { branch: parent.branch, createBranch: parent.createBranch } : {}),
      },
      { hardTimeoutMs: within(options.iterationTimeoutMs ?? deps.limits.iterateTimeoutMs) },
    );
    await step({ workerRunId: worker.id, workerStatus: worker.status, exitCode: worker.exitCode });
    if (worker.status === "cancelled" || signal.aborted) return close("cancelled", worker.error ?? "Run cancelled");

    // §6.2 step 5: a silent hang gets one diagnostic attempt per request.
    if (!worker.output && (worker.reason === "timeout" || worker.reason === "idle") && !diagnosed && remaining() > 0) {
      diagnosed = true;
      note(`iteration ${i}: the attempt hung without output; running the diagnostic attempt`);
      worker = await child(
        { agent: parent.agent, mode: "iteration", prompt: withContext(await freshContext(), DIAGNOSTIC_PROMPT) },
        { hardTimeoutMs: within(deps.limits.diagnosticTimeoutMs) },
      );
      await step({ diagnosticRunId: worker.id, workerStatus: worker.status, exitCode: worker.exitCode });
      if (worker.status === "cancelled" || signal.aborted) return close("cancelled", worker.error ?? "Run cancelled");
    }
    last = worker;
    if (remaining() <= 0) return budgetGone();
    if (!worker.output && worker.status !== "succeeded") {
      return close("worker_failed", worker.error ?? `The agent ${worker.status} without output`);
    }

    // Checks.
    const dod = options.doneWhen
      ? await runDoneWhen(
          deps.terminal,
          parent.cwd,
          options.doneWhen,
          within(options.doneWhen.timeoutMs ?? deps.limits.terminalTimeoutMs),
        )
      : undefined;
    if (dod) {
      note(`iteration ${i}: definition of done ${dod.passed ? "passed" : "failed"}`);
      await step({ dodResult: dod });
    }
    const push = options.requirePush ? await checkGitCompletion(deps.terminal, parent.cwd) : undefined;
    if (push) await step({ pushResult: push });
    if (remaining() <= 0) return budgetGone();

    // Review.
    note(`iteration ${i}: review started`);
    const review = await child(
      {
        agent: options.reviewAgent,
        mode: "review",
        mcpServers: [],
        prompt: buildReviewPrompt({
          task: parent.prompt,
          definitionOfDone: options.definitionOfDone,
          output: worker.output ?? "",
          iteration: i,
          maxIterations: options.maxIterations,
          ...(dod ? { dod } : {}),
          ...(push ? { push } : {}),
        }),
      },
      { hardTimeoutMs: within(deps.limits.iterateTimeoutMs), ...(deps.reviewCommand ? { command: deps.reviewCommand } : {}) },
    );
    await step({ reviewRunId: review.id });
    if (review.status === "cancelled" || signal.aborted) return close("cancelled", review.error ?? "Run cancelled");
    const reviewFailed = !review.output && review.status !== "succeeded";
    const verdict = reviewFailed
      ? unparseable(`Review agent error: ${review.error ?? review.status}`)
      : parseVerdict(review.output);
    await step({ verdict });
    const { code_complete, break_iteration, justification } = verdict;
    await remember(
      "assistant",
      `[Review Agent Response] ${JSON.stringify({ code_complete, break_iteration, justification })}`,
      true,
    );

    if (!verdict.parsed) return close(reviewFailed ? "review_failed" : "review_unparseable", justification);
    if (break_iteration) return close("break_iteration", justification);
    const checksPass = dod?.passed !== false && push?.isComplete !== false;
    if (code_complete && checksPass) return close("completed");
    if (i >= options.maxIterations) {
      const why = code_complete
        ? dod?.passed === false
          ? "the definition-of-done check failed"
          : (push?.reason ?? justification)
        : justification;
      return close("max_iterations", `Not done after ${i} iteration(s) (maxIterations ${options.maxIterations}): ${why}`);
    }
    await step({ outcome: "continue", finishedAt: new Date(now()).toISOString() });

    // Resume with the reviewer's prompt and what the checks said.
    raw = continuationPrompt(verdict, dod, push);
    await remember("assistant", worker.output ?? "");
    prompt = withContext(await freshContext(), raw);
    await remember("user", raw);
  }
}
