import type { AgentName } from "../agents/adapter";
import type { Callbacks } from "../callbacks";
import type { Config } from "../config";
import type { Workspaces } from "../deps";
import { HttpError } from "../http/errors";
import type { Logger } from "../log";
import { splitCallbackUrl } from "../runs/execute-request";
import type { RunService } from "../runs/service";
import { notifyTask } from "./callback";
import { decodeBase64, safeFileName, type TaskFiles } from "./files";
import { processMessages, type TaskMessages } from "./messages";
import type { TaskProcessor } from "./processor";
import type { NewTaskFile, TaskStore } from "./store";
import type { TaskEventLog } from "./task-events";
import type { Role, TaskKind, TaskModel, TaskPriority, TaskRecord, TaskStatus, TaskType } from "./types";

/** A task to create, as the route validated it. */
export interface CreateTaskInput {
  description: string;
  type?: TaskType | undefined;
  scheduledFor?: string | undefined;
  priority?: TaskPriority | undefined;
  createdBy?: Role | undefined;
  model?: TaskModel | undefined;
  kind?: TaskKind | undefined;
  agent?: AgentName | undefined;
  modelName?: string | undefined;
  repository?: string | undefined;
  branchName?: string | undefined;
  callbackUrl?: string | undefined;
  files?: { name: string; base64: string; type?: string | undefined; size?: number | undefined }[] | undefined;
}

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

const TERMINAL = "status IN ('COMPLETED', 'FAILED', 'CANCELLED')";
/** How long an operation that stops local work waits for it to be recorded before answering. */
const STOP_WAIT_MS = 10_000;

const notFound = (id: string) => new HttpError(404, `Task with ID ${id} not found`);

/**
 * The task lifecycle (spec/bytebot.md §1.2) as operations: each is one guarded transition in the
 * database, so it holds across instances, followed by stopping the work where it runs here (other
 * instances hear of it from the change log). Bytebot's messages and 400s are kept.
 */
export function createTaskService(deps: TaskServiceDeps) {
  const { config, store, messages, events, processor } = deps;

  const getOr404 = async (id: string) => {
    const task = await store.get(id);
    if (!task) throw notFound(id);
    return task;
  };

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

  /** Kind and agent from the request, else from a model object's provider (Bytebot's UI sends the model). */
  const kindAndAgent = (input: CreateTaskInput): { kind: TaskKind; agent: AgentName | null; modelName: string | null } => {
    const provider = input.model?.provider;
    const providerAgent = provider && deps.agents.includes(provider as AgentName) ? (provider as AgentName) : undefined;
    const kind = input.kind ?? (provider && !providerAgent ? "desktop" : "agent");
    const agent = kind === "agent" ? (input.agent ?? providerAgent ?? config.agents.default) : null;
    const name = input.modelName ?? input.model?.name;
    return { kind, agent, modelName: name && name !== "default" ? name : null };
  };

  const decodeFiles = (input: CreateTaskInput): NewTaskFile[] => {
    const files = input.files ?? [];
    if (files.length > config.tasks.maxFiles) {
      throw new HttpError(400, `files: at most ${config.tasks.maxFiles} files may be attached (got ${files.length})`);
    }
    return files.map((file, index) => {
      const name = safeFileName(file.name);
      if (!name) throw new HttpError(400, `files[${index}].name must be a plain file name (no directories), got "${file.name}"`);
      const data = decodeBase64(file.base64);
      if (!data) throw new HttpError(400, `files[${index}].base64 is not valid base64`);
      if (data.byteLength > config.tasks.maxFileBytes) {
        throw new HttpError(
          413,
          `files[${index}] (${name}) is ${data.byteLength} bytes; the limit is ${config.tasks.maxFileBytes}`,
        );
      }
      return { name, type: file.type || "application/octet-stream", data };
    });
  };

  return {
    get: getOr404,
    list: store.list,
    files: deps.files.list,
    /** One message by id (for followers of the change log). */
    message: async (id: string) => (await messages.get(id)) ?? undefined,

    async create(input: CreateTaskInput): Promise<TaskRecord> {
      const type: TaskType = input.type ?? (input.scheduledFor ? "SCHEDULED" : "IMMEDIATE");
      if (type === "SCHEDULED" && !input.scheduledFor) throw new HttpError(400, "scheduledFor is required for a SCHEDULED task");
      if (type === "IMMEDIATE" && input.scheduledFor) {
        throw new HttpError(400, "scheduledFor only applies to SCHEDULED tasks (send type SCHEDULED, or leave type out)");
      }
      const { kind, agent, modelName } = kindAndAgent(input);
      if (kind === "agent") {
        const workspace = await deps.workspaces.resolve(input.repository, { allowRoot: true });
        if (!workspace.exists) {
          throw new HttpError(
            404,
            `Repository not found locally: ${input.repository}. Please ensure the repository exists in the repositories directory.`,
          );
        }
      }
      const files = decodeFiles(input);
      const callback = splitCallbackUrl(input.callbackUrl);
      const text = [
        input.description,
        ...files.map((file) => `File ${file.name} written to ${kind === "agent" ? ".task-files" : "the desktop"}.`),
      ];
      const task = await store.create(
        {
          id: crypto.randomUUID(),
          description: input.description,
          type,
          priority: input.priority ?? "MEDIUM",
          createdBy: input.createdBy ?? "USER",
          scheduledFor: input.scheduledFor ? new Date(input.scheduledFor).toISOString() : null,
          model: input.model ?? null,
          kind,
          agent,
          modelName,
          repository: input.repository?.trim() || null,
          branchName: input.branchName?.trim() || null,
          callbackUrl: callback.url,
          callbackSecret: callback.secret,
        },
        files,
        [{ type: "text", text: text.join("\n") }],
      );
      events.kick();
      processor.kick();
      return task;
    },

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

export type TaskService = ReturnType<typeof createTaskService>;
