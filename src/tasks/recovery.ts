import type { Callbacks } from "../callbacks";
import type { Config } from "../config";
import type { Logger } from "../log";
import type { RunService } from "../runs/service";
import { notifyTask } from "./callback";
import type { TaskMessages } from "./messages";
import type { TaskStore } from "./store";
import type { TaskEventLog } from "./task-events";
import type { TaskRecord } from "./types";

/**
 * Gives back the tasks a crashed instance held. A task that was running under the assistant is
 * retried — claimed again ahead of new work, continuing its agent session — up to
 * TASK_MAX_INTERRUPTIONS times, then FAILED saying so; if its run had already succeeded (the
 * instance died between the run's end and the task's), it is completed from that run instead of
 * running again. A task held while paused (under the user's control, needing help) is only released.
 * A task whose run still looks live is left for the next round: run recovery settles that run first
 * and ends its orphaned processes, so a retry never runs beside its predecessor.
 */
export function createTaskRecovery(deps: {
  config: Config;
  log: Logger;
  instanceId: string;
  store: TaskStore;
  messages: TaskMessages;
  events: TaskEventLog;
  runs: Pick<RunService, "get" | "reapOrphans">;
  callbacks: Callbacks;
}) {
  const { config, log, store, events } = deps;

  const recoverOne = async (task: TaskRecord): Promise<boolean> => {
    const holder = task.claimedBy as string;
    const guard = "claimed_by = ?";
    if (task.status !== "RUNNING" || task.control !== "ASSISTANT") {
      return (await store.transition(task.id, { claimedBy: null }, guard, [holder], "released by a stopped instance")) !== null;
    }
    const run = task.runId ? await deps.runs.get(task.runId) : null;
    if (run && (run.status === "queued" || run.status === "running")) return false;
    // The dead runner's agent may still run in its own process group: end it before a retry starts.
    if (run) await deps.runs.reapOrphans(run);
    const now = new Date().toISOString();
    let updated: TaskRecord | null;
    if (run?.status === "succeeded" && run.finishedAt && task.executedAt && run.finishedAt >= task.executedAt) {
      const waiting = await deps.messages.hasUndelivered(task.id);
      updated = waiting
        ? await store.transition(task.id, { claimedBy: null, resumedAt: now }, guard, [holder], "continues with new messages")
        : await store.transition(
            task.id,
            {
              claimedBy: null,
              status: "COMPLETED",
              completedAt: now,
              error: null,
              result: { output: run.output ?? "", runId: run.id, exitCode: run.exitCode, agent: run.agent },
            },
            guard,
            [holder],
            "completed (recovered)",
          );
    } else if (task.interruptions >= config.tasks.maxInterruptions) {
      const times = task.interruptions + 1;
      updated = await store.transition(
        task.id,
        {
          claimedBy: null,
          status: "FAILED",
          interruptions: times,
          error: `Interrupted ${times} times by a runner that stopped; not retried again (TASK_MAX_INTERRUPTIONS=${config.tasks.maxInterruptions})`,
        },
        guard,
        [holder],
        "failed: interrupted too often",
      );
    } else {
      updated = await store.transition(
        task.id,
        { claimedBy: null, resumedAt: now, interruptions: task.interruptions + 1 },
        guard,
        [holder],
        "interrupted: will be retried",
      );
    }
    if (!updated) return false;
    log.warn(
      { taskId: task.id, status: updated.status, interruptions: updated.interruptions },
      "Recovered a task from a stopped instance",
    );
    await notifyTask(deps, updated);
    return true;
  };

  return {
    /** One sweep; returns how many tasks it moved on. */
    async recover(): Promise<number> {
      const abandoned = await store.abandoned(deps.instanceId, new Date(Date.now() - config.runs.staleAfterMs));
      let moved = 0;
      for (const task of abandoned) {
        const recovered = await recoverOne(task).catch((error) => {
          log.error({ err: error, taskId: task.id }, "Could not recover a task");
          return false;
        });
        if (recovered) moved++;
      }
      if (moved > 0) events.kick();
      return moved;
    },
  };
}
