// Runtime-neutral: Bytebot's agent loop (B§3.2) as the driver of one stretch of work on a desktop task.
import { APICallError, UnsupportedFunctionalityError } from "ai";
import type { DesktopAgentConfig } from "../config/desktop-agent";
import type { Desktop } from "../desktop/service";
import type { Logger } from "../log";
import type { TaskMessages } from "../tasks/messages";
import type { CreateTaskInput } from "../tasks/service";
import type { TaskSummaries } from "../tasks/summaries";
import type { DriverContext, DriverOutcome, TaskRecord } from "../tasks/types";
import { createBudget } from "./budget";
import { runToolCalls, type ToolUse } from "./dispatch";
import { callModel } from "./model-call";
import { agentSystemPrompt } from "./prompt";
import type { Providers, ResolvedModel } from "./providers";
import { withRetries } from "./retry";
import { needsSummary, summarize } from "./summaries";
import { agentTools } from "./tools";
import { keepNewestImages, toModelMessages } from "./transcript";

export interface LoopDeps {
  config: DesktopAgentConfig;
  log: Logger;
  desktop: Pick<Desktop, "run" | "status" | "applications">;
  providers: Providers;
  messages: Pick<TaskMessages, "unsummarized">;
  summaries: Pick<TaskSummaries, "latest" | "add">;
  /** create_task: a new task on the same model (the task service's create). */
  createTask(input: CreateTaskInput): Promise<TaskRecord>;
  now?: () => Date;
}

/** A failed model call as one line for the task's error: who failed, how, and (for images) what to do. */
function describeFailure(error: unknown, model: ResolvedModel): string {
  const who = `${model.provider}/${model.name}`;
  if (UnsupportedFunctionalityError.isInstance(error)) {
    return `The model ${who} cannot take part of the conversation (${error.functionality}); the desktop agent needs a model that accepts images`;
  }
  if (APICallError.isInstance(error)) {
    const body = (error.responseBody ?? "").slice(0, 300);
    if (error.statusCode === 400 && /image/i.test(`${error.message} ${body}`)) {
      return `The model ${who} refused the screenshots (images): ${error.message}. The desktop agent needs a model that accepts images`;
    }
    return `The model call to ${who} failed${error.statusCode ? ` (HTTP ${error.statusCode})` : ""}: ${error.message}`;
  }
  return `The model call to ${who} failed: ${(error as Error).message ?? String(error)}`;
}

/**
 * One stretch of work: iterations until the model sets the task's status, the budget runs out,
 * or the task is stopped from outside (cancel, takeover, abort, shutdown: `context.signal`).
 * Each iteration (B§3.2): rebuild the context from what is stored (latest summary + unsummarised
 * messages — so a restarted instance resumes exactly where the last one stopped), one model call,
 * its reply stored as an ASSISTANT message, a summary if the context passed the threshold, then the
 * tool calls run one after another and their results stored as one USER message. The signal is
 * checked between tool calls, so a stop takes effect within one iteration.
 */
export async function runDesktopLoop(deps: LoopDeps, task: TaskRecord, context: DriverContext): Promise<DriverOutcome> {
  const { config, log, signal } = { ...deps, signal: context.signal };
  const problem = deps.providers.problem(task.model);
  const resolved = task.model && !problem ? deps.providers.resolve(task.model) : undefined;
  if (!resolved) return { status: "failed", error: problem ?? "The task's model cannot be used" };
  if (!resolved.images) {
    return {
      status: "failed",
      error: `The model ${resolved.provider}/${resolved.name} cannot take images, and the desktop agent works from screenshots: choose a model that accepts images`,
    };
  }
  const screen = await deps.desktop.status();
  if (!screen.available) return { status: "failed", error: `The desktop is not available: ${screen.error}` };

  const tools = agentTools();
  const budget = createBudget(config.budget);
  const now = deps.now ?? (() => new Date());
  const stopped: DriverOutcome = { status: "stopped" };

  while (true) {
    if (signal.aborted) return stopped;
    const over = budget.exceeded();
    if (over) return { status: "failed", error: over };

    // User messages are part of the stored conversation; taking them marks them given to the assistant.
    await context.takeUndelivered();
    const summary = await deps.summaries.latest(task.id);
    const stored = await deps.messages.unsummarized(task.id);
    const messages = keepNewestImages(toModelMessages(stored, summary?.content), config.maxImages);
    const system = agentSystemPrompt({
      width: screen.width,
      height: screen.height,
      applications: deps.desktop.applications(),
      now: now(),
    });

    let reply: Awaited<ReturnType<typeof callModel>>;
    try {
      reply = await withRetries(
        () =>
          callModel({
            model: resolved.model,
            system,
            messages,
            tools,
            maxOutputTokens: config.maxOutputTokens,
            timeoutMs: config.callTimeoutMs,
            providerOptions: resolved.providerOptions,
            signal,
          }),
        config.retry,
        signal,
        (error, delayMs, attempt) => log.warn({ taskId: task.id, attempt, delayMs, err: error }, "Model call failed; retrying"),
      );
    } catch (error) {
      if (signal.aborted) return stopped;
      return { status: "failed", error: describeFailure(error, resolved) };
    }
    budget.spend(reply.tokens);
    if (reply.blocks.length === 0)
      return { status: "failed", error: `The model ${resolved.provider}/${resolved.name} returned no content` };
    await context.addMessage("ASSISTANT", reply.blocks);

    if (needsSummary(reply.tokens, resolved.contextWindow, config.summaryFraction)) {
      await summarize(
        {
          summaries: deps.summaries,
          retry: config.retry,
          maxOutputTokens: config.maxOutputTokens,
          timeoutMs: config.callTimeoutMs,
        },
        {
          taskId: task.id,
          model: resolved.model,
          context: messages,
          messageIds: stored.map((m) => m.id),
          parentId: summary?.id ?? null,
          signal,
        },
      ).catch((error) => log.warn({ taskId: task.id, err: error }, "Could not summarise the task's conversation; going on"));
    }

    const uses = reply.blocks.filter((block): block is ToolUse => block.type === "tool_use");
    if (uses.length === 0) {
      // No tool call: the model is talking to the user (a question, or an answer without set_task_status).
      const said = reply.blocks.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("\n");
      return { status: "needs_help", reason: said || "The model stopped without using a tool" };
    }

    const { results, status } = await runToolCalls(
      { desktop: deps.desktop, screenshotDelayMs: config.screenshotDelayMs, createTask: deps.createTask },
      task,
      uses,
      signal,
    );
    // Stored even when stopping: the actions happened. Calls not run get "interrupted" results on replay.
    if (results.length) await context.addMessage("USER", results);
    if (signal.aborted) return stopped;
    const spent = budget.spent();
    if (status?.status === "completed") {
      return {
        status: "completed",
        result: { description: status.description, modelCalls: spent.iterations, tokens: spent.tokens },
      };
    }
    if (status?.status === "needs_help") return { status: "needs_help", reason: status.description };
  }
}
