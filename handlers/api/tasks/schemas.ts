import { z } from "@hono/zod-openapi";
import { TASK_STATUS_LABELS } from "../../../src/db/tasks";
import { lenientInt } from "../../../src/http/schemas";

/** Exact messages of the original tasks router (§2.4.11, §13). */
export const MESSAGES = {
  invalidId: "Invalid task ID. Must be a number.",
  invalidStatusParam: "Invalid status parameter. Must be a number.",
  notFound: "Task not found",
  promptRequired: "Prompt is required and must be a non-empty string",
  promptNonEmpty: "Prompt must be a non-empty string",
  statusNumber: "Status must be a number",
  statusRange: "Status must be an integer from 0 to 4 (0 ready, 1 complete, 2 archived, 3 backlogged, 4 in_progress)",
  orderNumber: "Order must be a number",
  orderInteger: "Order must be an integer",
  deleted: "Task deleted",
} as const;

export const TaskSchema = z
  .object({
    id: z.number().int(),
    prompt: z.string(),
    status: z.number().int(),
    status_label: z.enum([...TASK_STATUS_LABELS, "unknown"]),
    createdat: z.string(),
    updatedat: z.string(),
    order: z.number().int(),
    uuid: z.string().nullable(),
  })
  .openapi("Task");

export const TaskIdParams = z.object({
  id: lenientInt(MESSAGES.invalidId).openapi({ param: { name: "id", in: "path" }, example: "1", type: "string" }),
});

export const taskStatus = () =>
  z.number({ error: MESSAGES.statusNumber }).int({ error: MESSAGES.statusRange }).min(0, { error: MESSAGES.statusRange }).max(4, {
    error: MESSAGES.statusRange,
  });

export const taskOrder = () =>
  z
    .number({ error: MESSAGES.orderNumber })
    .int({ error: MESSAGES.orderInteger })
    .openapi({ description: "Sort position (ascending)" });
