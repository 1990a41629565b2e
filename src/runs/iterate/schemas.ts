import { z } from "@hono/zod-openapi";
import { ITERATION_OUTCOMES } from "./types";

/** OpenAPI shapes of an iterate run's options and attempts, as GET /runs/:id shows them. */

const DoneWhenSchema = z.object({
  command: z.string(),
  args: z.array(z.string()),
  timeoutMs: z.number().optional(),
});

export const IterateDetailSchema = z
  .object({
    maxIterations: z.number(),
    maxDurationMs: z.number(),
    reviewAgent: z.string(),
    definitionOfDone: z.string(),
    definitionOfDoneSource: z.string(),
    doneWhen: DoneWhenSchema.nullable(),
    requirePush: z.boolean(),
  })
  .openapi("IterateOptions");

export const IterationSchema = z
  .object({
    iteration: z.number(),
    workerRunId: z.string().nullable(),
    diagnosticRunId: z.string().nullable(),
    reviewRunId: z.string().nullable(),
    prompt: z.string(),
    workerStatus: z.string().nullable(),
    exitCode: z.number().nullable(),
    verdict: z
      .object({
        code_complete: z.boolean(),
        break_iteration: z.boolean(),
        justification: z.string(),
        continuationPrompt: z.string().optional(),
        parsed: z.boolean(),
      })
      .nullable(),
    dodResult: z
      .object({
        command: z.string(),
        args: z.array(z.string()),
        passed: z.boolean(),
        exitCode: z.number().nullable(),
        output: z.string(),
        error: z.string().optional(),
      })
      .nullable(),
    pushResult: z
      .object({ isComplete: z.boolean(), reason: z.string(), hasPullRequest: z.boolean(), hasPushedCommits: z.boolean() })
      .nullable(),
    outcome: z.enum(ITERATION_OUTCOMES).nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi("Iteration");
