import type { RunRecord } from "./types";

/**
 * The original cursor-runner's response and callback bodies (§3.3, §5.3), built from a run.
 * Kept at the edge so the core speaks RunRecord; new fields (`runId`, `eventsUrl`, `status`,
 * `agentSucceeded`) are additive. `success` stays true whenever the agent ran to the end, as the
 * original said, even if it exited non-zero; `agentSucceeded` is the honest answer.
 */

export const eventsUrl = (runId: string) => `/runs/${runId}/events`;

const duration = (run: RunRecord) => {
  if (!run.startedAt || !run.finishedAt) return "0ms";
  return `${Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt))}ms`;
};

/** Reasons the original reported as a thrown error (HTTP 500) rather than a result. */
const THROWN = new Set(["timeout", "idle", "output_cap", "spawn_error", "lost", "internal", "interrupted"]);

export interface RunResponse {
  status: 200 | 409 | 500;
  body: Record<string, unknown>;
}

export function runResponse(run: RunRecord): RunResponse {
  const timestamp = new Date().toISOString();
  const ids = { requestId: run.requestId, runId: run.id, eventsUrl: eventsUrl(run.id), status: run.status };
  if (run.status === "cancelled") {
    return { status: 409, body: { success: false, error: run.error ?? "Run cancelled", ...ids, timestamp } };
  }
  // The workspace could not be readied (unknown branch, local changes in the way): nothing ran.
  if (run.reason === "workspace") {
    return { status: 409, body: { success: false, error: run.error ?? "Workspace could not be prepared", ...ids, timestamp } };
  }
  if (run.reason && THROWN.has(run.reason)) {
    return { status: 500, body: { success: false, error: run.error ?? "Run failed", ...ids, timestamp } };
  }
  const agentSucceeded = run.status === "succeeded";
  return {
    status: 200,
    body: {
      success: true,
      ...ids,
      ...(run.repository != null ? { repository: run.repository } : {}),
      command: run.command ?? [],
      output: run.output ?? "",
      error: agentSucceeded ? (run.stderr ?? null) : (run.error ?? run.stderr ?? null),
      exitCode: run.exitCode ?? 0,
      duration: duration(run),
      timestamp,
      ...(run.branch != null ? { branchName: run.branch } : {}),
      agentSucceeded,
    },
  };
}

/** The body a callback receiver gets: the response body, with the repository always present. */
export function callbackPayload(run: RunRecord): Record<string, unknown> {
  const { body } = runResponse(run);
  return { ...body, repository: run.repository ?? undefined };
}

/** A run as the API shows it: everything but internal fields. */
export function publicRun(run: RunRecord) {
  const { callbackSecret: _secret, ...visible } = run;
  return { ...visible, eventsUrl: eventsUrl(run.id) };
}
