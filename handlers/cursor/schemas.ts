import { z } from "@hono/zod-openapi";

/** Fields every execution answer carries: the original's identifiers plus where to follow the run. */
export const RunAnswerBase = z.object({
  success: z.boolean(),
  requestId: z.string(),
  runId: z.string(),
  eventsUrl: z.string(),
  status: z.string(),
  repository: z.string().optional(),
  timestamp: z.string(),
  branchName: z.string().optional(),
});
