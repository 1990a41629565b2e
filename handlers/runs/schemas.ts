import { z } from "@hono/zod-openapi";
import { IterateDetailSchema, IterationSchema } from "../../src/runs/iterate/schemas";
import { RUN_MODES, RUN_STATUSES } from "../../src/runs/types";

export const RunIdParams = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f-]{36}$/i, { error: "Run id must be a UUID as returned by the execute routes (runId)" })
    .openapi({ param: { name: "id", in: "path" }, example: "7b0f7c1e-1b7e-4a5e-9a55-6f1d1c8f2a10" }),
});

export const RunSchema = z
  .object({
    id: z.string(),
    requestId: z.string(),
    agent: z.string(),
    mode: z.enum(RUN_MODES),
    repository: z.string().nullable(),
    branch: z.string().nullable(),
    cwd: z.string(),
    prompt: z.string(),
    status: z.enum(RUN_STATUSES),
    reason: z.string().nullable(),
    exitCode: z.number().nullable(),
    output: z.string().nullable(),
    stderr: z.string().nullable(),
    error: z.string().nullable(),
    sessionId: z.string().nullable(),
    conversationId: z.string().nullable(),
    queueType: z.string().nullable(),
    callbackUrl: z.string().nullable(),
    command: z.array(z.string()).nullable(),
    pid: z.number().nullable(),
    parentRunId: z.string().nullable(),
    mcpServers: z.array(z.string()).nullable(),
    eventCount: z.number(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    updatedAt: z.string(),
    eventsUrl: z.string(),
    /** Iterate runs only: the options it ran with and every attempt so far. */
    iterate: IterateDetailSchema.optional(),
    iterations: z.array(IterationSchema).optional(),
  })
  .openapi("Run");
