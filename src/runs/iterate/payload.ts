import { callbackPayload } from "../compat";
import type { RunRecord } from "../types";
import { iterateResponse } from "./response";
import type { IterationStore } from "./store";

/**
 * The callback body of any run: an iterate run's carries its iterations (read from the database,
 * so a run failed by the crash sweep reports them too); any other run's is the execute body.
 *
 * @example
 * const payload = createCallbackPayload(createIterationStore(db));
 * await callbacks.enqueue({ runId: run.id, requestId: run.requestId, url, payload: await payload(run) });
 */
export function createCallbackPayload(iterations: IterationStore) {
  return async (run: RunRecord): Promise<Record<string, unknown>> => {
    if (run.mode !== "iterate") return callbackPayload(run);
    const [options, list] = await Promise.all([iterations.options(run.id), iterations.list(run.id)]);
    const { body } = iterateResponse(run, options, list);
    return { ...body, repository: run.repository ?? undefined };
  };
}
