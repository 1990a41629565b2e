import { z } from "@hono/zod-openapi";
import { AGENT_NAMES } from "../../src/agents/adapter";
import { ROLES, TASK_KINDS, TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES } from "../../src/tasks/types";

const oneOf = <T extends readonly [string, ...string[]]>(field: string, values: T) =>
  z.enum(values, { error: `${field} must be one of: ${values.join(", ")}` });

export const TaskIdParams = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f-]{36}$/i, { error: "Task id must be a UUID as returned by POST /tasks" })
    .openapi({ param: { name: "id", in: "path" }, example: "3b1d8a52-9f61-4b8c-a6f0-25c7d5b3e0a1" }),
});

const ModelSchema = z
  .object({
    provider: z.string({ error: "model.provider must be a string" }).min(1).max(100),
    name: z.string({ error: "model.name must be a string" }).min(1).max(200),
    title: z.string({ error: "model.title must be a string" }).max(200).optional(),
    contextWindow: z.number({ error: "model.contextWindow must be a number" }).int().positive().optional(),
  })
  .openapi("TaskModel");

const FileSchema = z.object({
  name: z.string({ error: "files[].name must be a string" }).min(1, { error: "files[].name must not be empty" }).max(255),
  base64: z.string({ error: "files[].base64 must be a base64 string" }),
  type: z.string({ error: "files[].type must be a MIME type string" }).max(200).optional(),
  size: z.number({ error: "files[].size must be a number" }).int().min(0).optional(),
});

const callbackUrl = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), { error: `${field} must be an absolute http(s) URL` })
    .optional();

/** POST /tasks: Bytebot's fields (§2.1 #2) and ours. Unknown fields are ignored. */
export const CreateTaskBody = z
  .object({
    description: z
      .string({ error: "description is required (the task, in words)" })
      .trim()
      .min(1, { error: "description is required (the task, in words)" })
      .max(100_000, { error: "description must be at most 100000 characters" }),
    type: oneOf("type", TASK_TYPES).optional(),
    scheduledFor: z.iso
      .datetime({ offset: true, error: "scheduledFor must be an ISO 8601 date-time such as 2026-12-03T09:00:00Z" })
      .optional(),
    priority: oneOf("priority", TASK_PRIORITIES).optional(),
    createdBy: oneOf("createdBy", ROLES).optional(),
    model: z
      .union([ModelSchema, z.string().min(1).max(200)], {
        error: "model must be a model object from GET /tasks/models or a model name",
      })
      .optional(),
    kind: oneOf("kind", TASK_KINDS).optional(),
    agent: oneOf("agent", AGENT_NAMES).optional(),
    repository: z.string({ error: "repository must be a string" }).max(500).optional(),
    branchName: z.string({ error: "branchName must be a string" }).max(250).optional(),
    callbackUrl: callbackUrl("callbackUrl"),
    callback_url: callbackUrl("callback_url"),
    files: z.array(FileSchema, { error: "files must be an array of {name, base64, type?}" }).optional(),
  })
  .openapi("CreateTaskRequest");

const statusList = z
  .string()
  .transform((raw, ctx) => {
    const values = raw
      .split(",")
      .map((value) => value.trim())
      .filter(Boolean);
    const bad = values.find((value) => !(TASK_STATUSES as readonly string[]).includes(value));
    if (bad !== undefined) {
      ctx.addIssue({ code: "custom", message: `statuses: "${bad}" is not one of ${TASK_STATUSES.join(", ")}` });
      return z.NEVER;
    }
    return values as (typeof TASK_STATUSES)[number][];
  })
  .openapi({ param: { name: "statuses", in: "query" }, example: "PENDING,RUNNING", type: "string" });

const positiveInt = (field: string, max: number) =>
  z.coerce
    .number({ error: `${field} must be a positive integer` })
    .int({ error: `${field} must be a positive integer` })
    .min(1, { error: `${field} must be a positive integer` })
    .max(max, { error: `${field} must be at most ${max}` });

export const ListTasksQuery = z.object({
  page: positiveInt("page", 1_000_000).default(1),
  limit: positiveInt("limit", 100).default(10),
  status: oneOf("status", TASK_STATUSES).optional(),
  statuses: statusList.optional(),
});

export const MessagesQuery = z.object({
  page: positiveInt("page", 1_000_000).default(1),
  limit: positiveInt("limit", 1000).default(10),
});

export const PostMessageBody = z.object({
  message: z
    .string({ error: "message is required" })
    .trim()
    .min(1, { error: "message is required" })
    .max(100_000, { error: "message must be at most 100000 characters" }),
});

export const TaskSchema = z
  .object({
    id: z.string(),
    description: z.string(),
    type: z.enum(TASK_TYPES),
    status: z.enum(TASK_STATUSES),
    priority: z.enum(TASK_PRIORITIES),
    control: z.enum(ROLES),
    createdBy: z.enum(ROLES),
    scheduledFor: z.string().nullable(),
    executedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    queuedAt: z.string().nullable(),
    error: z.string().nullable(),
    result: z.unknown(),
    model: ModelSchema.nullable(),
    kind: z.enum(TASK_KINDS),
    agent: z.string().nullable(),
    modelName: z.string().nullable(),
    repository: z.string().nullable(),
    branchName: z.string().nullable(),
    callbackUrl: z.string().nullable(),
    runId: z.string().nullable(),
    sessionId: z.string().nullable(),
    attempts: z.number().int(),
    interruptions: z.number().int(),
    resumedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    eventsUrl: z.string(),
  })
  .openapi("EngineTask");

export const TaskWithFilesSchema = TaskSchema.extend({
  files: z.array(
    z.object({ id: z.string(), name: z.string(), type: z.string(), size: z.number(), data: z.string(), createdAt: z.string() }),
  ),
}).openapi("EngineTaskWithFiles");

export const MessageSchema = z
  .object({
    id: z.string(),
    taskId: z.string(),
    role: z.enum(ROLES),
    content: z.array(z.record(z.string(), z.unknown())),
    summaryId: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("TaskMessage");
