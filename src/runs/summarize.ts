import type { AgentAdapter, AgentName } from "../agents/adapter";
import type { RunEventBody } from "../agents/events";
import type { Config } from "../config";
import { buildContextString, isContextWindowError } from "../conversations/context";
import type { ConversationService } from "../conversations/service";
import type { Message } from "../conversations/types";
import type { Slots } from "../exec/slots";
import type { Executor } from "../exec/types";
import type { Logger } from "../log";
import { decideOutcome } from "./outcome";
import { RUNNER_SECRETS } from "./service";
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
  slots: Slots;
  executor: Executor;
  agent: (name: AgentName) => AgentAdapter;
  config: Pick<Config, "cursor" | "runs">;
  /** Environment for the agent, before the runner's own secrets are removed. */
  baseEnv: Record<string, string | undefined>;
  log: Logger;
}

/**
 * Context-window summarisation (§5.4, §7.4): when a run's output says the agent's context window
 * overflowed, the same agent, in the same workspace, condenses the conversation and the summary
 * becomes the conversation's context. It runs after the run has given its slot back (then waits
 * for one like any run), so it can never deadlock a full runner. Failures are logged, never thrown.
 *
 * @example
 * const summarizer = createSummarizer({ conversations, slots, executor, agent, config, baseEnv, log });
 * summarizer.afterRun(finishedRun); // no-op unless its output is a context-window error
 * await summarizer.idle();
 */
export function createSummarizer(deps: SummarizerDeps) {
  const { config, log } = deps;
  const inFlight = new Set<Promise<void>>();

  /** Runs the agent once on `prompt` and returns its answer (or its stderr when it printed no answer). */
  const ask = (run: RunRecord, prompt: string) =>
    deps.slots.run(async () => {
      const adapter = deps.agent(run.agent);
      const env: Record<string, string | undefined> = { ...deps.baseEnv };
      for (const key of RUNNER_SECRETS) delete env[key];
      const handle = deps.executor.run({
        command: adapter.command,
        args: adapter.args({ prompt }),
        cwd: run.cwd,
        env: { ...env, ...adapter.env?.() },
        hardTimeoutMs: SUMMARY_TIMEOUT_MS,
        idleTimeoutMs: config.cursor.idleTimeoutMs,
        maxOutputBytes: config.cursor.maxOutputBytes,
        killGraceMs: config.runs.killGraceMs,
      });
      const result = await handle.result;
      if (result.reason !== "exited") throw new Error(result.error ?? `Summary run ended: ${result.reason}`);
      const parser = adapter.parser();
      const events: RunEventBody[] = result.stdout.split("\n").flatMap((line) => (line.trim() ? parser.push(line) : []));
      const outcome = decideOutcome({
        result,
        resultEvent: events.findLast((event) => event.type === "result") as Extract<RunEventBody, { type: "result" }> | undefined,
        assistantText: events.flatMap((event) => (event.type === "message" && event.role === "assistant" ? [event.text] : [])),
        textMode: config.cursor.outputFormat === "text",
      });
      return (outcome.output ?? "").trim() || result.stderr.trim();
    });

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
      if (!run.conversationId || !isContextWindowError(text)) return;
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
