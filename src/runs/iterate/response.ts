import { eventsUrl } from "../compat";
import type { RunRecord } from "../types";
import type { IterateOptions, IterationRecord } from "./types";

export interface IterateResponse {
  status: 200 | 409 | 422 | 500;
  body: Record<string, unknown>;
}

const duration = (run: RunRecord) =>
  run.startedAt && run.finishedAt ? `${Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt))}ms` : "0ms";

/**
 * An iterate run's HTTP body and callback payload (§6.2 step 8), honest about the outcome
 * (§12 item 12): `success` is true only when the reviewer agreed and every check passed; running
 * out of iterations or budget, a break or an unreadable verdict is `success:false` (HTTP 422) with
 * `reason`. `iterations` is the number of attempts made (the original reported one less);
 * `iterationDetails` lists each attempt: prompt, exit, verdict and check results.
 */
export function iterateResponse(run: RunRecord, options: IterateOptions | null, iterations: IterationRecord[]): IterateResponse {
  const timestamp = new Date().toISOString();
  const ids = { requestId: run.requestId, runId: run.id, eventsUrl: eventsUrl(run.id), status: run.status, reason: run.reason };
  const counts = { iterations: iterations.length, maxIterations: options?.maxIterations ?? null };
  if (run.status === "cancelled") {
    return { status: 409, body: { success: false, error: run.error ?? "Run cancelled", ...ids, ...counts, timestamp } };
  }
  if (run.reason === "interrupted" || run.reason === "internal") {
    return { status: 500, body: { success: false, error: run.error ?? "Run failed", ...ids, ...counts, timestamp } };
  }
  const succeeded = run.status === "succeeded";
  const lastVerdict = [...iterations].reverse().find((iteration) => iteration.verdict)?.verdict;
  const broken = run.reason === "break_iteration" || run.reason === "review_unparseable" || run.reason === "review_failed";
  const body: Record<string, unknown> = {
    success: succeeded,
    ...ids,
    ...(run.repository != null ? { repository: run.repository } : {}),
    ...counts,
    output: run.output ?? "",
    error: succeeded ? (run.stderr ?? null) : (run.error ?? "Iteration failed"),
    exitCode: run.exitCode ?? (succeeded ? 0 : 1),
    duration: duration(run),
    timestamp,
    ...(lastVerdict ? { reviewJustification: lastVerdict.justification } : {}),
    ...(broken && run.output ? { originalOutput: run.output } : {}),
    ...(run.branch != null ? { branchName: run.branch } : {}),
    iterationDetails: iterations,
  };
  return { status: succeeded ? 200 : 422, body };
}
