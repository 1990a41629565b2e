import type { Callbacks } from "../callbacks";
import type { Logger } from "../log";
import { callbackTarget } from "../runs/hooks";
import { publicTask } from "./public";
import type { TaskRecord } from "./types";

/** Statuses a callback is sent for: done, failed, given up, or waiting for the user. */
const NOTIFIED = new Set(["COMPLETED", "FAILED", "CANCELLED", "NEEDS_HELP"]);

/** The body a task's callback receiver gets. */
export function taskCallbackPayload(task: TaskRecord) {
  return {
    success: task.status === "COMPLETED",
    taskId: task.id,
    status: task.status,
    ...(task.error ? { error: task.error } : {}),
    task: publicTask(task),
    timestamp: new Date().toISOString(),
  };
}

/**
 * Queues the task's callback (outbox: signed, retried, survives restarts) when its new status is
 * one a client waits for. Once per task, status and execution, whoever notices first.
 */
export async function notifyTask(deps: { callbacks: Callbacks; log: Logger }, task: TaskRecord): Promise<void> {
  if (!NOTIFIED.has(task.status)) return;
  const url = callbackTarget(task);
  if (!url) return;
  try {
    await deps.callbacks.enqueue({
      url,
      payload: taskCallbackPayload(task),
      requestId: `task-${task.id}`,
      dedupeKey: `task:${task.id}:${task.status}:${task.attempts}:${task.runId ?? ""}`,
    });
  } catch (error) {
    deps.log.error({ err: error, taskId: task.id }, "Could not queue the task's callback");
  }
}
