import { z } from "@hono/zod-openapi";
import type { Deps } from "../deps";
import { HttpError } from "../http/errors";
import { eventsUrl } from "./compat";
import type { RunRecord } from "./types";

export const ASYNC_ACK = "Request accepted, processing asynchronously";

export const AsyncAckSchema = z
  .object({
    success: z.literal(true),
    message: z.literal(ASYNC_ACK),
    requestId: z.string(),
    runId: z.string().optional(),
    eventsUrl: z.string().optional(),
    timestamp: z.string(),
  })
  .openapi("AsyncAck");

export type AsyncAck = z.infer<typeof AsyncAckSchema>;

export interface AcknowledgeInput {
  requestId: string;
  repository?: string | null | undefined;
  callbackUrl?: string | null | undefined;
  /** Prepares and starts the run; its HttpErrors decide what the client hears. */
  start: () => Promise<RunRecord>;
  /** Fields added to the error callback (iterate adds `iterations`, `maxIterations`, `output`). */
  failureExtras?: Record<string, unknown>;
}

/**
 * The async routes' contract (§2.4.6): answer at once. A request that cannot start (unknown
 * repository, agent CLI missing, a workspace problem) is reported to its callback, as the original
 * did, and still acknowledged; a full queue (429) and server faults are answered directly, since
 * the client can act on them now.
 *
 * @example
 * return c.json(await acknowledgeAsync(deps, { requestId, callbackUrl, start: async () => (await deps.runs.start(prepared)).run }), 200);
 */
export async function acknowledgeAsync(deps: Deps, input: AcknowledgeInput): Promise<AsyncAck> {
  const { requestId } = input;
  const timestamp = new Date().toISOString();
  try {
    const run = await input.start();
    return { success: true, message: ASYNC_ACK, requestId, runId: run.id, eventsUrl: eventsUrl(run.id), timestamp };
  } catch (error) {
    const reportable = error instanceof HttpError && error.status !== 429 && (error.status < 500 || error.status === 503);
    if (!reportable) throw error;
    if (input.callbackUrl) {
      const payload = {
        success: false,
        requestId,
        repository: input.repository ?? undefined,
        error: error.message,
        exitCode: 1,
        duration: "0ms",
        timestamp,
        ...input.failureExtras,
      };
      await deps.callbacks.enqueue({ requestId, url: input.callbackUrl, payload });
    }
    deps.log.warn({ requestId, error: error.message }, "Async request could not start");
    return { success: true, message: ASYNC_ACK, requestId, timestamp };
  }
}
