import { notifyTask } from "./callback";
import type { ProcessorDeps } from "./processor";
import type { TaskStore } from "./store";
import type { DriverContext, DriverOutcome, TaskRecord } from "./types";

/** Why work on a task was stopped from outside its driver. */
export type StopCause = "cancel" | "takeover" | "abort" | "delete" | "shutdown" | "released";

const mine = "claimed_by = ?";

/**
 * What the processor gives a driver (its context) and how it records the driver's outcome. Every
 * write here is guarded by this instance's claim, so a task another instance took is left alone.
 */
export function createTaskOutcomes(
  deps: Pick<ProcessorDeps, "log" | "instanceId" | "store" | "messages" | "files" | "events" | "callbacks">,
) {
  const { log, instanceId, store, messages, events } = deps;

  /** Applies a transition guarded by this instance's claim, then sends the callback it calls for. */
  const finish = async (task: TaskRecord, changes: Parameters<TaskStore["transition"]>[1], reason: string) => {
    const updated = await store.transition(task.id, { claimedBy: null, ...changes }, mine, [instanceId], reason);
    if (updated) await notifyTask(deps, updated);
    events.kick();
    return updated;
  };

  const context = (task: TaskRecord, signal: AbortSignal): DriverContext => ({
    signal,
    takeUndelivered: () => messages.takeUndelivered(task.id),
    addMessage: async (role, content) => {
      await messages.add(task.id, role, content);
      events.kick();
    },
    setRun: async (runId, sessionId) => {
      await store.transition(task.id, { runId, ...(sessionId ? { sessionId } : {}) }, mine, [instanceId], "run");
      events.kick();
    },
    files: () => deps.files.list(task.id),
  });

  /** Records how a stretch of work ended. Only this instance's claim may be moved on from here. */
  const settle = async (task: TaskRecord, outcome: DriverOutcome, cause: StopCause | undefined) => {
    const runId = outcome.runId ?? undefined;
    if (outcome.status === "completed") {
      // The user added something while the assistant worked: go on rather than stop at "done".
      const current = await store.get(task.id);
      if (current?.control === "ASSISTANT" && (await messages.hasUndelivered(task.id))) {
        return finish(task, { resumedAt: new Date().toISOString(), runId }, "continues with new messages");
      }
      return finish(
        task,
        {
          status: "COMPLETED",
          completedAt: new Date().toISOString(),
          result: outcome.result,
          error: null,
          resumedAt: null,
          runId,
        },
        "completed",
      );
    }
    if (outcome.status === "failed") return finish(task, { status: "FAILED", error: outcome.error, runId }, "failed");
    if (outcome.status === "deferred") {
      log.info({ taskId: task.id, reason: outcome.reason }, "Task deferred");
      return finish(task, { resumedAt: new Date().toISOString() }, `deferred: ${outcome.reason}`);
    }
    if (outcome.status === "needs_help") {
      await messages
        .add(task.id, "ASSISTANT", [{ type: "text", text: `I need help to go on: ${outcome.reason}` }])
        .catch(() => {});
      return finish(task, { status: "NEEDS_HELP", control: "USER", error: outcome.reason, runId }, "needs help");
    }
    // Stopped from outside: the operation that stopped it already wrote its state; give the task up.
    switch (cause) {
      case "shutdown":
        // Another instance (or this one, restarted) continues it, resumed work first.
        return finish(task, { resumedAt: new Date().toISOString(), runId }, "released on shutdown");
      case "abort":
      case "takeover":
      case "released":
        return finish(task, { runId }, cause === "abort" ? "aborted" : "paused for the user");
      case "cancel":
      case "delete":
        return null; // the claim was dropped with the task's new state
      default:
        return finish(task, { status: "FAILED", error: "The task's work stopped without a result", runId }, "failed");
    }
  };

  return { context, settle };
}

/** What another instance's operation did to a task running here, if it must stop. */
export function causeOf(task: TaskRecord, instanceId: string): StopCause | undefined {
  if (task.status === "CANCELLED") return "cancel";
  if (task.claimedBy !== instanceId) return "released";
  if (task.status === "NEEDS_HELP") return "abort";
  if (task.control === "USER") return "takeover";
  if (task.status !== "RUNNING") return "released";
  return undefined;
}
