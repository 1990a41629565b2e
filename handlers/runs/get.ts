import { createRoute, z } from "@hono/zod-openapi";
import { AGENT_NAMES } from "../../src/agents/adapter";
import { defineEndpoint } from "../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../src/http/schemas";
import { publicRun } from "../../src/runs/compat";
import { LIST_PROMPT_CHARS } from "../../src/runs/store";
import { RUN_STATUSES } from "../../src/runs/types";
import { PaginationSchema } from "../api/schemas";
import { RunSchema } from "./schemas";

export const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 20;

const MESSAGES = {
  limit: `limit must be an integer from 1 to ${MAX_LIMIT}`,
  offset: "offset must be a non-negative integer",
  status: `status must be one of: ${RUN_STATUSES.join(", ")}`,
  agent: `agent must be one of: ${AGENT_NAMES.join(", ")}`,
} as const;

const integer = (message: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: message })
    .transform(Number)
    .refine((value) => value >= min && value <= max, { error: message });

const Query = z.object({
  limit: integer(MESSAGES.limit, 1, MAX_LIMIT)
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "string", example: "20" }),
  offset: integer(MESSAGES.offset, 0, Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ param: { name: "offset", in: "query" }, type: "string", example: "0" }),
  status: z
    .enum(RUN_STATUSES, { error: MESSAGES.status })
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
  agent: z
    .enum(AGENT_NAMES, { error: MESSAGES.agent })
    .optional()
    .openapi({ param: { name: "agent", in: "query" } }),
});

const RunSummarySchema = RunSchema.omit({ output: true, stderr: true, iterate: true, iterations: true }).openapi("RunSummary");

const RunListSchema = z
  .object({ success: z.literal(true), runs: z.array(RunSummarySchema), pagination: PaginationSchema })
  .openapi("RunList");

/**
 * GET /runs?limit&offset&status&agent — recent runs, newest first. Summaries: no output or stderr
 * (read a run with GET /runs/:id), the prompt cut to its first 500 characters.
 */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/runs",
    tags: ["runs"],
    summary: "List runs, newest first",
    request: { query: Query },
    responses: {
      200: jsonResponse(RunListSchema, `One page of runs (at most ${MAX_LIMIT}; prompts cut to ${LIST_PROMPT_CHARS} characters)`),
      400: errorResponse(`${MESSAGES.limit} / ${MESSAGES.offset} / ${MESSAGES.status} / ${MESSAGES.agent}`),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { limit = DEFAULT_LIMIT, offset = 0, status, agent } = c.req.valid("query");
    const { runs, total } = await c.var.deps.runs.list({ limit, offset, status, agent });
    const summaries = runs.map((run) => {
      const { output: _output, stderr: _stderr, ...summary } = publicRun(run);
      return summary;
    });
    return c.json(
      { success: true as const, runs: summaries, pagination: { total, limit, offset, hasMore: offset + runs.length < total } },
      200,
    );
  },
);
