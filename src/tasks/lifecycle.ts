import { HttpError } from "../http/errors";
import { notifyTask } from "./callback";
import type { TaskProcessor } from "./processor";
import type { TaskServiceDeps } from "./service";
import type { TaskRecord, TaskStatus } from "./types";

const TERMINAL = "status IN ('COMPLETED', 'FAILED', 'CANCELLED')";
/** How long an operation that stops local work waits for it to be recorded before answering. */
const STOP_WAIT_MS = 10_000;

export const notFound = (id: string) => new HttpError(404, `Task with ID ${id} not found`);

/**
 * The lifecycle transitions of §1.2 (takeover, resume, cancel, abort, delete, process now): each
 * one guarded transition in the database, then the work stopped where it runs here.
 */
export function createTaskLifecycle(deps: TaskServiceDeps, getOr404: (id: string) => Promise<TaskRecord>) {
  const { store, events, processor } = deps;

  /** Waits (bounded) for local work on the task to stop and be recorded. */
  const stopped = async (id: string, cause: Parameters<TaskProcessor["stopLocal"]>[1]) => {
    const done = processor.stopLocal(id, cause);
    if (!done) return;
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref?.())]);
  };

  /** Ends the task's run if it is still going (wherever it runs: the owner stops it on its heartbeat). */
  const cancelRun = async (task: TaskRecord) => {
    if (!task.runId) return;
    const run = await deps.runs.get(task.runId);
    if (run && (run.status === "queued" || run.status === "running")) await deps.runs.cancel(run.id).catch(() => {});
  };

  return {
    /** §1.2: control to the user; the assistant's work stops (its run ends). 400 unless the assistant has control. */
    async takeover(id: string): Promise<TaskRecord> {
      const task = await getOr404(id);
      if (task.status === "COMPLETED" || task.status === "FAILED" || task.status === "CANCELLED") {
        throw new HttpError(400, `Task ${id} is already completed, failed, or cancelled`);
      }
      const updated = await store.transition(
        id,
        { control: "USER" },
        `control = 'ASSISTANT' AND NOT ${TERMINAL}`,
        [],
        "takeover",
      );
      if (!updated) throw new HttpError(400, `Task ${id} is not under agent control`);
      await stopped(id, "takeover");
      events.kick();
      return (await store.get(id)) ?? updated;
    },

    /** §1.2: control back to the assistant, status RUNNING; it continues the same session with what the user said. */
    async resume(id: string): Promise<TaskRecord> {
      const task = await getOr404(id);
      if (task.status === "COMPLETED" || task.status === "FAILED" || task.status === "CANCELLED") {
        throw new HttpError(400, `Task ${id} is already completed, failed, or cancelled`);
      }
      const updated = await store.transition(
        id,
        { control: "ASSISTANT", status: "RUNNING", resumedAt: new Date().toISOString(), error: null },
        `control = 'USER' AND NOT ${TERMINAL}`,
        [],
        "resume",
      );
      if (!updated) throw new HttpError(400, `Task ${id} is not under user control`);
      events.kick();
      processor.kick();
      return updated;
    },

    /** §1.2: CANCELLED, its run stopped (process group and all). 400 once finished. */
    async cancel(id: string): Promise<TaskRecord> {
      await getOr404(id);
      const updated = await store.transition(id, { status: "CANCELLED", claimedBy: null }, `NOT ${TERMINAL}`, [], "cancel");
      if (!updated) throw new HttpError(400, `Task ${id} is already completed, failed, or cancelled`);
      await stopped(id, "cancel");
      await cancelRun(updated);
      await notifyTask(deps, updated);
      events.kick();
      return (await store.get(id)) ?? updated;
    },

    /** Stops the assistant's current work but keeps the task: NEEDS_HELP under the user's control, resumable. */
    async abort(id: string): Promise<TaskRecord> {
      await getOr404(id);
      const updated = await store.transition(
        id,
        { status: "NEEDS_HELP", control: "USER", error: "Aborted by request" },
        "status = 'RUNNING' AND control = 'ASSISTANT'",
        [],
        "abort",
      );
      if (!updated) throw new HttpError(409, `Task ${id} is not running under the assistant's control; nothing to abort`);
      await stopped(id, "abort");
      await notifyTask(deps, updated);
      events.kick();
      return (await store.get(id)) ?? updated;
    },

    /** Stops the task's work first (its run and process group), then deletes it with its messages and files. */
    async remove(id: string): Promise<void> {
      const task = await getOr404(id);
      await stopped(id, "delete");
      await cancelRun((await store.get(id)) ?? task);
      if (!(await store.remove(id))) throw notFound(id);
      events.kick();
    },

    /** Claims the task on this instance now, ahead of the queue (and of its schedule). 409 when it cannot run. */
    async process(id: string): Promise<TaskRecord> {
      const task = await getOr404(id);
      const why = whyNotClaimable(task);
      if (why) throw new HttpError(409, `Task ${id} cannot be processed now: ${why}`);
      const claimed = await processor.processNow(id);
      if (!claimed) throw new HttpError(409, `Task ${id} cannot be processed now: another instance took it or its state changed`);
      return claimed;
    },
  };
}

function whyNotClaimable(task: TaskRecord): string | null {
  const finished: Partial<Record<TaskStatus, string>> = { COMPLETED: "completed", FAILED: "failed", CANCELLED: "cancelled" };
  if (finished[task.status]) return `it is ${finished[task.status]}`;
  if (task.control === "USER") return "it is under the user's control (resume it first)";
  if (task.claimedBy) return "it is already being processed";
  if (task.status !== "PENDING" && !(task.status === "RUNNING" && task.resumedAt)) return `it is ${task.status}`;
  return null;
}
