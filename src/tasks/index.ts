import type { Client } from "@libsql/client";
import { AGENT_NAMES } from "../agents/adapter";
import type { AgentCliStatus } from "../agents/cli";
import type { Callbacks } from "../callbacks";
import type { Config } from "../config";
import type { Settings } from "../db/settings";
import type { Workspaces } from "../deps";
import type { Slots } from "../exec/slots";
import type { Logger } from "../log";
import type { RunService } from "../runs/service";
import { createAgentTaskDriver, type TaskFileWriter } from "./drivers/agent";
import { createTaskFiles } from "./files";
import { createTaskMessages } from "./messages";
import { type ModelSource, taskModels } from "./models";
import { createTaskProcessor } from "./processor";
import { publicTask } from "./public";
import { createTaskRecovery } from "./recovery";
import { createTaskService } from "./service";
import { createTaskStore } from "./store";
import { createTaskEventLog } from "./task-events";
import type { TaskDriver, TaskKind } from "./types";
import { createUserActionRecorder } from "./user-actions";

export interface TaskEngineDeps {
  config: Config;
  log: Logger;
  db: Client;
  instanceId: string;
  settings: Settings;
  slots: Slots;
  runs: RunService;
  callbacks: Callbacks;
  workspaces: Workspaces;
  cliStatus: AgentCliStatus;
  /** Node: writes attached files into agent tasks' workspaces. */
  writeTaskFiles?: TaskFileWriter;
  /** Drivers beyond the built-in agent one (the desktop agent). */
  drivers?: Partial<Record<TaskKind, TaskDriver>>;
  /** More models for GET /tasks/models (configured LLM providers). */
  modelSources?: ModelSource[];
}

/**
 * The task engine (Bytebot's half, on our core): the task tables, the lifecycle operations, the
 * processor that claims and drives tasks, crash recovery, and the change log everything follows.
 *
 * @example
 * const engine = createTaskEngine(deps);
 * const stop = engine.start(); // Node: claim tasks, heartbeat, recover
 * const task = await engine.service.create({ description: "Add a README", repository: "app" });
 */
export function createTaskEngine(deps: TaskEngineDeps) {
  const { config, log, db } = deps;
  const store = createTaskStore(db);
  const messages = createTaskMessages(db);
  const files = createTaskFiles(db);
  const events = createTaskEventLog(db, {
    pollMs: config.tasks.eventsPollMs,
    onError: (error) => log.warn({ err: error }, "Could not read the task change log"),
  });
  const drivers: Partial<Record<TaskKind, TaskDriver>> = {
    agent: createAgentTaskDriver({
      config,
      log,
      runs: deps.runs,
      workspaces: deps.workspaces,
      cliStatus: deps.cliStatus,
      ...(deps.writeTaskFiles ? { writeFiles: deps.writeTaskFiles } : {}),
    }),
    ...deps.drivers,
  };
  const processor = createTaskProcessor({ ...deps, store, messages, files, events, drivers });
  const recovery = createTaskRecovery({ ...deps, store, messages, events });
  const service = createTaskService({ ...deps, store, messages, files, events, processor, agents: AGENT_NAMES });
  const userActions = createUserActionRecorder({ store, messages, events });

  let maintaining = false;
  const maintain = async () => {
    if (maintaining) return;
    maintaining = true;
    try {
      await processor.heartbeat();
      await recovery.recover();
    } catch (error) {
      log.error({ err: error }, "Task maintenance failed");
    } finally {
      maintaining = false;
    }
  };

  return {
    service,
    processor,
    /** Desktop actions a person sends for a task under their control (takeover recording). */
    userActions,
    recovery,
    events,
    models: () => taskModels(deps.cliStatus, deps.modelSources ?? []),
    /** What WebSocket hubs read: the change log, tasks and messages as the API shows them. */
    realtime: {
      subscribe: events.subscribe,
      task: async (id: string) => {
        const task = await store.get(id);
        return task ? publicTask(task) : null;
      },
      message: messages.get,
    },

    /**
     * Recovers what stopped instances left, then claims tasks and keeps their leases (every
     * RUN_HEARTBEAT_MS) until the returned stop is awaited (which releases running work).
     */
    async start(): Promise<() => Promise<void>> {
      await recovery.recover().catch((error) => log.error({ err: error }, "Task recovery failed"));
      const stopProcessor = processor.start();
      const timer = setInterval(() => void maintain(), config.runs.heartbeatMs);
      timer.unref?.();
      const prune = setInterval(() => void events.prune().catch(() => {}), 3_600_000);
      prune.unref?.();
      return async () => {
        clearInterval(timer);
        clearInterval(prune);
        await stopProcessor();
        events.close();
      };
    },
  };
}

export type TaskEngine = ReturnType<typeof createTaskEngine>;
