import type { Callbacks } from "../callbacks";
import type { Config } from "../config";
import type { Settings } from "../db/settings";
import type { Slots } from "../exec/slots";
import type { Logger } from "../log";
import type { TaskFiles } from "./files";
import type { TaskMessages } from "./messages";
import { causeOf, createTaskOutcomes, type StopCause } from "./outcome";
import type { TaskStore } from "./store";
import type { TaskEvent, TaskEventLog } from "./task-events";
import type { DriverOutcome, TaskDriver, TaskKind, TaskRecord } from "./types";

/** The `system_settings` switch that turns processing on and off across instances. */
export const TASK_OPERATOR_SETTING = "task_operator";

export type { StopCause } from "./outcome";

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
  const { config, log, instanceId, store, events, slots } = deps;
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

  const { context, settle } = createTaskOutcomes(deps);

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

export type TaskProcessor = ReturnType<typeof createTaskProcessor>;
