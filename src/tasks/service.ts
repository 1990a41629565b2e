import type { AgentName } from "../agents/adapter";
import type { Callbacks } from "../callbacks";
import type { Config } from "../config";
import type { Workspaces } from "../deps";
import type { Logger } from "../log";
import type { RunService } from "../runs/service";
import type { TaskFiles } from "./files";
import { createTaskLifecycle, notFound } from "./lifecycle";
import { processMessages, type TaskMessages } from "./messages";
import type { TaskProcessor } from "./processor";
import type { TaskStore } from "./store";
import { createTaskCreator } from "./task-create";
import type { TaskEventLog } from "./task-events";
import type { TaskRecord } from "./types";

export type { CreateTaskInput } from "./task-create";

export interface TaskServiceDeps {
  config: Config;
  log: Logger;
  store: TaskStore;
  messages: TaskMessages;
  files: TaskFiles;
  events: TaskEventLog;
  processor: TaskProcessor;
  runs: Pick<RunService, "cancel" | "get">;
  callbacks: Callbacks;
  workspaces: Workspaces;
  /** Agents a task may name; the provider of a model object picks one of them. */
  agents: readonly AgentName[];
}

/**
 * The task lifecycle (spec/bytebot.md §1.2) as operations: each is one guarded transition in the
 * database, so it holds across instances, followed by stopping the work where it runs here (other
 * instances hear of it from the change log). Bytebot's messages and 400s are kept.
 */
export function createTaskService(deps: TaskServiceDeps) {
  const { store, messages, events, processor } = deps;

  const getOr404 = async (id: string) => {
    const task = await store.get(id);
    if (!task) throw notFound(id);
    return task;
  };

  return {
    get: getOr404,
    list: store.list,
    files: deps.files.list,
    /** One message by id (for followers of the change log). */
    message: async (id: string) => (await messages.get(id)) ?? undefined,

    create: createTaskCreator(deps),

    /** A page of messages, oldest first; 404 for an unknown task. */
    async messages(id: string, page: { limit: number; offset: number }) {
      await getOr404(id);
      return messages.list(id, page);
    },

    async processedMessages(id: string, page: { limit: number; offset: number }) {
      await getOr404(id);
      return processMessages(await messages.list(id, page));
    },

    /**
     * A message from the user (§2.1 #7): stored, and given to the assistant when it next works —
     * at once when the task is waiting to run, on resume when it needs help or is under the user's
     * control. A COMPLETED task goes back to work to answer it; FAILED and CANCELLED ones only keep it.
     */
    async postMessage(id: string, text: string): Promise<TaskRecord> {
      const task = await getOr404(id);
      await messages.add(id, "USER", [{ type: "text", text }], { delivered: false });
      let current = task;
      if (task.status === "COMPLETED" && task.control === "ASSISTANT") {
        current =
          (await store.transition(
            id,
            { status: "RUNNING", resumedAt: new Date().toISOString() },
            "status = 'COMPLETED'",
            [],
            "reopened by a message",
          )) ?? (await getOr404(id));
        processor.kick();
      }
      events.kick();
      return current;
    },

    ...createTaskLifecycle(deps, getOr404),
  };
}

export type TaskService = ReturnType<typeof createTaskService>;
