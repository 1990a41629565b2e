import type { AgentCliStatus } from "../../agents/cli";
import type { RunEvent } from "../../agents/events";
import type { Config } from "../../config";
import type { Workspaces } from "../../deps";
import { HttpError } from "../../http/errors";
import type { Logger } from "../../log";
import type { RunService } from "../../runs/service";
import type { RunRecord } from "../../runs/types";
import type { ContentBlock, DriverContext, DriverOutcome, Role, TaskDriver, TaskFile, TaskMessage, TaskRecord } from "../types";

/** Writes a task's attached files into its workspace (Node: under `.task-files/`, excluded from git). */
export type TaskFileWriter = (cwd: string, files: TaskFile[]) => Promise<string[]>;

export interface AgentDriverDeps {
  config: Config;
  log: Logger;
  runs: Pick<RunService, "start" | "cancel" | "subscribe">;
  workspaces: Workspaces;
  cliStatus: AgentCliStatus;
  writeFiles?: TaskFileWriter;
}

const textOf = (message: TaskMessage) =>
  message.content
    .filter((block): block is Extract<ContentBlock, { type: "text" }> => block.type === "text")
    .map((block) => block.text)
    .join("\n");

/**
 * The prompt of one run of a task. The first run gets the description (with the attached files'
 * names); a continuation (after takeover, help, a crash, or new messages) resumes the agent's session
 * with what the user said since, or — when they said nothing — a reminder of the task.
 */
export function taskPrompt(task: TaskRecord, delivered: TaskMessage[], files: string[]): string {
  const said = delivered.map(textOf).filter(Boolean);
  if (!task.sessionId) {
    const parts = [task.description];
    if (files.length) parts.push(`Files attached to this task: ${files.join(", ")}.`);
    if (said.length) parts.push(`The user added:\n${said.join("\n\n")}`);
    return parts.join("\n\n");
  }
  if (said.length) return said.join("\n\n");
  return `Continue with the task: ${task.description}`;
}

/**
 * The run's events as task messages (§1.5): assistant text and tool calls in one ASSISTANT message,
 * their results in one USER message of tool_result blocks, flushed whenever the side changes (and
 * at least every second, so followers see progress). At most `limit` messages per run.
 */
function createMessageRecorder(context: DriverContext, limit: number, log: Logger, taskId: string) {
  let role: Role | undefined;
  let blocks: ContentBlock[] = [];
  let stored = 0;
  let writing = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!role || blocks.length === 0) return writing;
    const message = { role, content: blocks };
    blocks = [];
    if (stored >= limit) return writing;
    stored++;
    const content =
      stored === limit
        ? [...message.content, { type: "text" as const, text: "[later messages of this run are not kept]" }]
        : message.content;
    writing = writing.then(() =>
      context
        .addMessage(message.role, content)
        .catch((error) => log.warn({ err: error, taskId }, "Could not store a task message")),
    );
    return writing;
  };

  const push = (side: Role, block: ContentBlock) => {
    if (role !== side) void flush();
    role = side;
    blocks.push(block);
    timer ??= setTimeout(() => void flush(), 1000);
  };

  return {
    onEvent(event: RunEvent) {
      if (event.type === "message" && event.role === "assistant" && event.text)
        push("ASSISTANT", { type: "text", text: event.text });
      else if (event.type === "tool_started")
        push("ASSISTANT", { type: "tool_use", id: event.callId, name: event.tool, input: event.input ?? {} });
      else if (event.type === "tool_finished") {
        const output = typeof event.output === "string" ? event.output : JSON.stringify(event.output ?? "");
        push("USER", {
          type: "tool_result",
          tool_use_id: event.callId,
          content: [{ type: "text", text: output }],
          ...(event.isError ? { is_error: true } : {}),
        });
      }
    },
    end: flush,
  };
}

/** How a finished run ends the stretch of work: completed, the agent stuck (needs help), or failed. */
function outcomeOf(run: RunRecord): DriverOutcome {
  const base = { runId: run.id };
  if (run.status === "succeeded") {
    return {
      ...base,
      status: "completed",
      result: { output: run.output ?? "", runId: run.id, exitCode: run.exitCode, agent: run.agent },
    };
  }
  if (run.status === "cancelled") return { ...base, status: "stopped" };
  // The agent ran to its end without succeeding (it reported an error, or exited non-zero):
  // the user can say more and resume the same session.
  if (run.status === "failed" && (run.reason === "exited" || run.reason === "ended_after_result")) {
    return { ...base, status: "needs_help", reason: run.error ?? "The agent could not finish" };
  }
  return { ...base, status: "failed", error: run.error ?? `The run ${run.status}` };
}

/**
 * Runs `kind: agent` tasks as coding-agent runs (any adapter) in their repository, through the run
 * service: slots, process groups, event log, limits — everything a run has. Each stretch of work
 * is one run; a later one continues the agent's session.
 */
export function createAgentTaskDriver(deps: AgentDriverDeps): TaskDriver {
  return {
    kind: "agent",

    async unavailable(task) {
      const cli = await deps.cliStatus(task.agent ?? undefined);
      return cli.available ? null : (cli.error ?? `The ${task.agent} CLI was not found`);
    },

    async run(task, context) {
      const workspace = await deps.workspaces.resolve(task.repository, { allowRoot: true });
      if (!workspace.exists) {
        return { status: "failed", error: `Repository not found locally: ${task.repository}` };
      }
      let written: string[] = [];
      if (!task.sessionId) {
        const files = await context.files();
        if (files.length && deps.writeFiles) written = await deps.writeFiles(workspace.path, files);
      }
      let started: Awaited<ReturnType<AgentDriverDeps["runs"]["start"]>>;
      try {
        started = await deps.runs.start(
          {
            requestId: `task-${task.id}-${task.attempts}`,
            agent: task.agent ?? deps.config.agents.default,
            model: task.modelName,
            mode: "task",
            repository: task.repository,
            branch: task.branchName,
            cwd: workspace.path,
            prompt: taskPrompt(task, await context.takeUndelivered(), written),
          },
          { resumeSessionId: task.sessionId },
        );
      } catch (error) {
        // A full execution queue is not the task's failure: it goes back in line.
        if (error instanceof HttpError && error.status === 429) return { status: "deferred", reason: error.message };
        throw error;
      }
      const { run, done } = started;
      await context.setRun(run.id);
      const recorder = createMessageRecorder(context, deps.config.tasks.maxMessagesPerRun, deps.log, task.id);
      const unsubscribe = deps.runs.subscribe(run.id, { onEvent: recorder.onEvent, onEnd: () => {} });
      const onAbort = () => void deps.runs.cancel(run.id).catch(() => {});
      if (context.signal.aborted) onAbort();
      else context.signal.addEventListener("abort", onAbort, { once: true });
      try {
        const finished = await done;
        await recorder.end();
        if (finished.sessionId) await context.setRun(run.id, finished.sessionId);
        return outcomeOf(finished);
      } finally {
        unsubscribe?.();
        context.signal.removeEventListener("abort", onAbort);
      }
    },
  };
}
