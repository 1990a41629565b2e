import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, jsonResponse } from "../../../src/http/schemas";

const ProcessorStatus = z
  .object({
    enabled: z.boolean(),
    instanceId: z.string(),
    maxConcurrent: z.number().int(),
    running: z.array(z.object({ id: z.string(), kind: z.string(), priority: z.string() })),
    slots: z.object({ available: z.number().int(), waiting: z.number().int(), maxConcurrent: z.number().int() }),
  })
  .openapi("ProcessorStatus");

/** GET /processor/status — whether this instance claims tasks (the task_operator setting), and what it runs. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/processor/status",
    tags: ["tasks"],
    summary: "The task processor of the instance that answers",
    responses: { 200: jsonResponse(ProcessorStatus, "Processor state"), ...commonErrors },
  }),
  async (c) => {
    const { taskEngine, slots } = c.var.deps;
    const { available, waiting, maxConcurrent } = slots.status();
    return c.json(
      {
        enabled: await taskEngine.processor.enabled(),
        ...taskEngine.processor.status(),
        slots: { available, waiting, maxConcurrent },
      },
      200,
    );
  },
);
