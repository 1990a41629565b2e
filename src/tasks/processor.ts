import type { Callbacks } from "../callbacks";
import type { Config } from "../config";
import type { Settings } from "../db/settings";
import type { Slots } from "../exec/slots";
import type { Logger } from "../log";
import { notifyTask } from "./callback";
import type { TaskFiles } from "./files";
import type { TaskMessages } from "./messages";
import type { TaskStore } from "./store";
import type { TaskEvent, TaskEventLog } from "./task-events";
import type { DriverContext, DriverOutcome, TaskDriver, TaskKind, TaskRecord } from "./types";

/** The `system_settings` switch that turns processing on and off across instances. */
export const TASK_OPERATOR_SETTING = "task_operator";

/** Why work on a task was stopped from outside its driver. */
export type StopCause = "cancel" | "takeover" | "abort" | "delete" | "shutdown" | "released";

interface Active {
  task: TaskRecord;
  controller: AbortController;
  cause?: StopCause;
  done: Promise<void>;
}

export interface ProcessorDeps {
  config: Config;
  log: Logger;
  instanceId: string;
  store: TaskStore;
  messages: TaskMessages;
  files: TaskFiles;
  events: TaskEventLog;
  settings: Settings;
  slots: Slots;
  drivers: Partial<Record<TaskKind, TaskDriver>>;
  callbacks: Callbacks;
}

const mine = "claimed_by = ?";

/**
 * The task processor of one instance: claims ready tasks atomically in the database (so N
 * instances on one server never run a task twice), at most TASK_MAX_CONCURRENT at a time and only
 * while an execution slot is free, hands each to the driver of its kind, and records how it ended.
 * Work is stopped from outside by cancel / takeover / abort / delete on any instance: this
 * instance hears of it through the task change log (or, at the latest, its next heartbeat).
 *
 * @example
 * const processor = createTaskProcessor(deps);
 * const stop = processor.start();
 */
export function createTaskProcessor(deps: ProcessorDeps) {
  const { config, log, instanceId, store, messages, events, slots } = deps;
  const active = new Map<string, Active>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let unsubscribe: (() => void) | undefined;
  let ticking: Promise<void> | undefined;
  let again = false;
  let stopping = false;

  const enabled = async () => {
    try {
      const setting = await deps.settings.get(TASK_OPERATOR_SETTING);
      return setting ? setting.enabled : config.tasks.operatorDefault;
    } catch (error) {
      log.warn({ err: error }, "Could not read the task_operator setting; not claiming tasks this round");
      return false;
    }
  };

  const hasCapacity = () => active.size < config.tasks.maxConcurrent && slots.status().available > 0;

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

  const execute = (task: TaskRecord) => {
    const controller = new AbortController();
    const entry: Active = { task, controller, done: Promise.resolve() };
    active.set(task.id, entry);
    events.kick();
    entry.done = (async () => {
      const driver = deps.drivers[task.kind];
      let outcome: DriverOutcome;
      try {
        const unavailable = driver
          ? await driver.unavailable?.(task)
          : `No driver runs ${task.kind} tasks on this instance: the desktop agent is not configured (set ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY or DESKTOP_AGENT_PROVIDERS)`;
        outcome = unavailable
          ? { status: "failed", error: unavailable }
          : await (driver as TaskDriver).run(task, context(task, controller.signal));
      } catch (error) {
        log.error({ err: error, taskId: task.id }, "Task driver failed");
        outcome = { status: "failed", error: (error as Error).message };
      }
      if (controller.signal.aborted && outcome.status !== "completed" && outcome.status !== "deferred") {
        outcome = { status: "stopped", runId: outcome.runId ?? null };
      }
      try {
        await settle(task, outcome, entry.cause);
      } catch (error) {
        // The claim stays; the heartbeat sweep gives the task to the next instance.
        log.error({ err: error, taskId: task.id }, "Could not record how a task ended");
      }
    })().finally(() => {
      active.delete(task.id);
      kick();
    });
  };

  /** Claims and starts tasks while there is capacity. One round at a time; a kick meanwhile runs another. */
  const tick = async () => {
    if (stopping || !(await enabled())) return;
    while (!stopping && hasCapacity()) {
      const task = await store.claim(instanceId);
      if (!task) return;
      log.info({ taskId: task.id, kind: task.kind, priority: task.priority, attempt: task.attempts }, "Claimed a task");
      execute(task);
    }
  };

  const kick = () => {
    if (ticking) {
      again = true;
      return;
    }
    ticking = (async () => {
      do {
        again = false;
        await tick().catch((error) => log.error({ err: error }, "Task processing round failed"));
      } while (again && !stopping);
    })().finally(() => {
      ticking = undefined;
    });
  };

  /** Stops local work on a task; `cause` says what the stopping operation did to it. */
  const stopLocal = (taskId: string, cause: StopCause) => {
    const entry = active.get(taskId);
    if (!entry) return undefined;
    entry.cause ??= cause;
    entry.controller.abort();
    return entry.done;
  };

  /** A change anywhere: new or resumed work may be claimable; work running here may have to stop. */
  const onEvent = (event: TaskEvent) => {
    if (event.type === "task_created" || event.type === "task_updated") kick();
    const entry = active.get(event.taskId);
    if (!entry) return;
    if (event.type === "task_deleted") return void stopLocal(event.taskId, "delete");
    if (event.type !== "task_updated") return;
    void store
      .get(event.taskId)
      .then((current) => {
        if (!current) return void stopLocal(event.taskId, "delete");
        const cause = causeOf(current, instanceId);
        if (cause) void stopLocal(event.taskId, cause);
      })
      .catch(() => {});
  };

  const processor = {
    /** Starts claiming (every TASK_POLL_MS and on every change) and following the change log. */
    start(): () => Promise<void> {
      stopping = false;
      unsubscribe = events.subscribe(onEvent);
      timer = setInterval(kick, config.tasks.pollMs);
      timer.unref?.();
      kick();
      return () => processor.stop();
    },

    kick,

    /** Claims one given task now on this instance (POST /tasks/:id/process), ignoring its place in the queue. */
    async processNow(taskId: string): Promise<TaskRecord | null> {
      const task = await store.claim(instanceId, { taskId, ignoreSchedule: true });
      if (task) execute(task);
      return task;
    },

    stopLocal,

    /** Renews the leases of tasks running here; stops those this instance no longer holds. */
    async heartbeat(): Promise<void> {
      for (const id of await store.heartbeat(instanceId, [...active.keys()])) {
        const current = await store.get(id);
        void stopLocal(id, current ? (causeOf(current, instanceId) ?? "released") : "delete");
      }
    },

    status: () => ({
      instanceId,
      running: [...active.values()].map(({ task }) => ({ id: task.id, kind: task.kind, priority: task.priority })),
      maxConcurrent: config.tasks.maxConcurrent,
    }),

    enabled,

    /** Stops claiming, stops local work (released for another instance) and waits for it to be recorded. */
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearInterval(timer);
      unsubscribe?.();
      await ticking;
      await Promise.allSettled([...active.keys()].map((id) => stopLocal(id, "shutdown")));
    },
  };
  return processor;
}

/** What another instance's operation did to a task running here, if it must stop. */
function causeOf(task: TaskRecord, instanceId: string): StopCause | undefined {
  if (task.status === "CANCELLED") return "cancel";
  if (task.claimedBy !== instanceId) return "released";
  if (task.status === "NEEDS_HELP") return "abort";
  if (task.control === "USER") return "takeover";
  if (task.status !== "RUNNING") return "released";
  return undefined;
}

export type TaskProcessor = ReturnType<typeof createTaskProcessor>;
