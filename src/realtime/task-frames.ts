import type { Unsubscribe } from "../conversations/types";
import type { Logger } from "../log";
import { errorFrame } from "./frames";

/** What the hub reads of the task engine: its change log, and tasks and messages as the API shows them. */
export interface TaskSource {
  subscribe(listener: (event: { taskId: string; type: string; data: Record<string, unknown> }) => void): Unsubscribe;
  task(id: string): Promise<unknown | null>;
  message(id: string): Promise<unknown | null>;
}

export type TaskEventLike = Parameters<Parameters<TaskSource["subscribe"]>[0]>[0];

/**
 * The frame for one task event: `task.created` / `task.updated` / `task.message` / `task.deleted`,
 * with the task (and the message) as they are now. Null when they could not be read (logged).
 */
export async function taskEventFrame(
  source: TaskSource,
  event: TaskEventLike,
  log: Pick<Logger, "warn">,
): Promise<string | null> {
  try {
    const type = `task.${event.type === "new_message" ? "message" : event.type.replace(/^task_/, "")}`;
    const messageId = typeof event.data.messageId === "string" ? event.data.messageId : undefined;
    const [task, message] = await Promise.all([
      event.type === "task_deleted" ? null : source.task(event.taskId),
      messageId ? source.message(messageId) : null,
    ]);
    return JSON.stringify({
      type,
      taskId: event.taskId,
      ...event.data,
      ...(task ? { task } : {}),
      ...(message ? { message } : {}),
    });
  } catch (error) {
    log.warn({ err: error, taskId: event.taskId }, "Could not read a changed task for its WebSocket clients");
    return null;
  }
}

/** The first frame of a task socket: the task's snapshot, or `tasks.subscribed` when following every task. */
export async function taskSnapshotFrame(source: TaskSource | undefined, taskId: string | null): Promise<string> {
  if (!source) return errorFrame("The task engine is not available here");
  if (!taskId) return JSON.stringify({ type: "tasks.subscribed" });
  try {
    const task = await source.task(taskId);
    return task
      ? JSON.stringify({ type: "task.snapshot", taskId, task })
      : JSON.stringify({ type: "error", error: `Task with ID ${taskId} not found`, taskId });
  } catch (error) {
    return errorFrame((error as Error).message);
  }
}
