import type { AgentName } from "../agents/adapter";
import { HttpError } from "../http/errors";
import { splitCallbackUrl } from "../runs/execute-request";
import { decodeBase64, safeFileName } from "./files";
import type { TaskServiceDeps } from "./service";
import type { NewTaskFile } from "./store";
import type { Role, TaskKind, TaskModel, TaskPriority, TaskRecord, TaskType } from "./types";

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

type CreateDeps = Pick<TaskServiceDeps, "config" | "store" | "events" | "processor" | "workspaces" | "agents">;

/**
 * Task creation: the request checked (type vs schedule, repository present, files within limits),
 * kind and agent settled, then one insert. Kept apart from the lifecycle because it is all validation.
 */
export function createTaskCreator(deps: CreateDeps) {
  const { config, store, events, processor } = deps;

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

  return async function create(input: CreateTaskInput): Promise<TaskRecord> {
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
  };
}
