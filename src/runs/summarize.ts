import { buildContextString, isContextWindowError } from "../conversations/context";
import type { ConversationService } from "../conversations/service";
import type { Message } from "../conversations/types";
import type { Logger } from "../log";
import type { RunService } from "./service";
import type { RunRecord } from "./types";

/** §5.4: the summary run gets a fixed five minutes, whatever CURSOR_CLI_TIMEOUT says. */
export const SUMMARY_TIMEOUT_MS = 300_000;

/** The instruction the agent gets, followed by the conversation as `user: …` / `cursor: …` lines. */
export function summaryPrompt(messages: readonly Message[]): string {
  return [
    "Please summarize the following conversation history so it fits in a much smaller context.",
    "Make it roughly one third of its current length. Keep every decision made, every requirement and",
    "constraint, open questions and the context needed to continue the work. Answer with the summary only.",
    "",
    "Conversation history:",
    "",
    buildContextString(messages),
  ].join("\n");
}

/** Thrown inside the summarise callback so nothing is stored when the agent said nothing. */
class EmptySummaryError extends Error {
  override name = "EmptySummaryError";
}

export interface SummarizerDeps {
  conversations: Pick<ConversationService, "summarizeConversation">;
  /** The run service, late-bound: it is built with hooks that use this summarizer. */
  runs: () => Pick<RunService, "start">;
  log: Logger;
}

/**
 * Context-window summarisation (§5.4, §7.4): when a run's output says the agent's context window
 * overflowed, the same agent, in the same workspace, condenses the conversation and the summary
 * becomes the conversation's context. The summary is an ordinary run (mode `summary`: its own row,
 * slot, process-group guarantees, shutdown and crash handling) started after the original run gave
 * its slot back, so it can never deadlock a full runner. Failures are logged, never thrown.
 *
 * @example
 * const summarizer = createSummarizer({ conversations, runs: () => runs, log });
 * summarizer.afterRun(finishedRun); // no-op unless its output is a context-window error
 * await summarizer.idle();
 */
export function createSummarizer(deps: SummarizerDeps) {
  const { log } = deps;
  const inFlight = new Set<Promise<void>>();

  /** Runs the agent once on `prompt` and returns its answer (or its stderr when it printed no answer). */
  const ask = async (run: RunRecord, prompt: string): Promise<string> => {
    const { done } = await deps.runs().start(
      {
        requestId: `summary-${run.id}`,
        agent: run.agent,
        mode: "summary",
        repository: run.repository,
        cwd: run.cwd,
        prompt,
      },
      { hardTimeoutMs: SUMMARY_TIMEOUT_MS },
    );
    const finished = await done;
    if (finished.status !== "succeeded") throw new Error(finished.error ?? `Summary run ended: ${finished.status}`);
    return (finished.output ?? "").trim() || (finished.stderr ?? "").trim();
  };

  const summarize = async (run: RunRecord, conversationId: string) => {
    log.info({ runId: run.id, conversationId }, "Context window exceeded; summarizing the conversation");
    try {
      await deps.conversations.summarizeConversation(conversationId, async (messages) => {
        const summary = await ask(run, summaryPrompt(messages));
        if (!summary) throw new EmptySummaryError("The summary run produced no output");
        return summary;
      });
      log.info({ runId: run.id, conversationId }, "Conversation summarized");
    } catch (error) {
      if (error instanceof EmptySummaryError) log.warn({ runId: run.id, conversationId }, error.message);
      else log.error({ err: error, runId: run.id, conversationId }, "Conversation summarization failed");
    }
  };

  return {
    /** Starts a summary in the background when the finished run hit its context window. */
    afterRun(run: RunRecord): void {
      const text = [run.output, run.stderr, run.error].filter(Boolean).join("\n");
      if (run.mode === "summary" || !run.conversationId || !isContextWindowError(text)) return;
      const task = summarize(run, run.conversationId).finally(() => inFlight.delete(task));
      inFlight.add(task);
    },

    /** Resolves once every summary started so far has finished (tests, shutdown). */
    idle: async (): Promise<void> => {
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type Summarizer = ReturnType<typeof createSummarizer>;
