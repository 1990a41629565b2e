import { z } from "@hono/zod-openapi";
import { AGENT_NAMES } from "../../agents/adapter";
import { ExecuteBodySchema } from "../execute-request";

/** Upper bounds that keep one request from occupying the runner indefinitely. */
export const MAX_ITERATIONS_LIMIT = 50;

const positiveMs = (field: string) =>
  z
    .number({ error: `${field} must be a number of milliseconds` })
    .int({ error: `${field} must be an integer` })
    .positive({
      error: `${field} must be positive`,
    });

/**
 * The iterate body (§6.1): the execute body plus the loop's options. `maxIterations` falsy means
 * the default (5), as the original did; `doneWhen` is an executable definition of done run in the
 * repository (no shell: `command` plus `args`).
 */
export const IterateBodySchema = ExecuteBodySchema.extend({
  maxIterations: z
    .number({ error: "maxIterations must be a number" })
    .int({ error: "maxIterations must be an integer" })
    .min(0, { error: "maxIterations must not be negative" })
    .max(MAX_ITERATIONS_LIMIT, { error: `maxIterations must be at most ${MAX_ITERATIONS_LIMIT}` })
    .nullish(),
  maxDurationMs: positiveMs("maxDurationMs").nullish(),
  iterationTimeoutMs: positiveMs("iterationTimeoutMs").nullish(),
  reviewAgent: z.enum(AGENT_NAMES, { error: `reviewAgent must be one of: ${AGENT_NAMES.join(", ")}` }).nullish(),
  definitionOfDone: z.string({ error: "definitionOfDone must be a string" }).nullish(),
  doneWhen: z
    .object(
      {
        command: z.string({ error: "doneWhen.command is required" }).min(1, { error: "doneWhen.command is required" }),
        args: z.array(z.string(), { error: "doneWhen.args must be an array of strings" }).default([]),
        timeoutMs: positiveMs("doneWhen.timeoutMs").optional(),
      },
      { error: "doneWhen must be an object {command, args, timeoutMs}" },
    )
    .nullish(),
  requirePush: z.boolean({ error: "requirePush must be true or false" }).nullish(),
}).openapi("IterateRequest");

export type IterateBody = z.infer<typeof IterateBodySchema>;
