import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, DesktopHealthSchema, jsonResponse } from "../../../src/http/schemas";

export const QUEUE_WARNING =
  "All execution slots are occupied. Requests are queued. If this persists, cursor-cli processes may be hung.";

const QueueHealthSchema = z
  .object({
    status: z.literal("ok"),
    service: z.literal("cursor-runner"),
    queue: z.object({
      available: z.number().int(),
      waiting: z.number().int(),
      maxConcurrent: z.number().int(),
      maxQueue: z.number().int(),
    }),
    warning: z.string().nullable(),
    cli: z.object({
      command: z.string(),
      available: z.boolean(),
      path: z.string().optional(),
      error: z.string().optional(),
    }),
    desktop: DesktopHealthSchema,
  })
  .openapi("QueueHealth");

/** GET /health/queue — execution slots (§2.4.2), whether the agent CLI can be found, and the desktop's state (added field). */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/health/queue",
    tags: ["health"],
    summary: "Execution slots and agent CLI availability",
    responses: { 200: jsonResponse(QueueHealthSchema, "Slot counts and CLI status"), ...commonErrors },
  }),
  async (c) => {
    const { slots, cliStatus, desktop } = c.var.deps;
    const queue = slots.status();
    const warning = queue.available === 0 && queue.waiting > 0 ? QUEUE_WARNING : null;
    const [cli, desktopStatus] = await Promise.all([cliStatus(), desktop.status()]);
    return c.json({ status: "ok", service: "cursor-runner", queue, warning, cli, desktop: desktopStatus } as const, 200);
  },
);
