import type { RunEventBody } from "../agents/events";
import type { ProcessResult } from "../exec/types";
import type { RunFinish } from "./types";

export interface OutcomeInput {
  result: ProcessResult;
  /** The agent's terminal `result` event, when it printed one. */
  resultEvent?: Extract<RunEventBody, { type: "result" }> | undefined;
  assistantText: string[];
  setupError?: string | undefined;
  /** Plain-text mode: stdout is the answer. */
  textMode: boolean;
}

const exitDescription = (result: ProcessResult) =>
  result.exitCode != null ? `code ${result.exitCode}` : `signal ${result.signal ?? "unknown"}`;

/**
 * Maps how the process ended to the run's honest status (README "Outcome rules"):
 * - the agent's terminal `result` line is its answer: if the process lingers after it, we end the
 *   group and the run settles on the result (`ended_after_result`), even when a limit fired first;
 * - a process that exits by itself succeeds only with exit code 0 and no error result — a success
 *   result followed by exit 3 is a failure;
 * - a setup problem (e.g. not authenticated) is reported as such rather than as agent output.
 */
export function decideOutcome({ result, resultEvent, assistantText, setupError, textMode }: OutcomeInput): RunFinish {
  const output = textMode ? result.stdout.trim() : (resultEvent?.text ?? assistantText.join("\n")).trim();
  const base = { exitCode: result.exitCode, output: output || null, stderr: result.stderr.trim() || null, reason: result.reason };
  const fromResult = (event: NonNullable<OutcomeInput["resultEvent"]>): RunFinish =>
    event.isError
      ? { ...base, status: "failed", error: event.text || "The agent reported an error" }
      : { ...base, status: "succeeded", error: null };

  if (setupError) return { ...base, status: "failed", error: setupError };
  switch (result.reason) {
    case "ended_after_result":
      if (resultEvent) return fromResult(resultEvent);
      return { ...base, status: "failed", error: "The agent was ended without a result" };
    case "timeout":
    case "idle":
      // The answer was in before the limit: the limit only ended a lingering process.
      if (resultEvent) return { ...fromResult(resultEvent), reason: "ended_after_result" };
      return { ...base, status: "timed_out", error: result.error ?? "Run timed out" };
    case "cancelled":
      return { ...base, status: "cancelled", error: result.error ?? "Run cancelled" };
    case "output_cap":
    case "spawn_error":
      return { ...base, status: "failed", error: result.error ?? "Run failed" };
    case "lost":
      // The process may have run on (a sidecar that stopped answering): its end is unknown.
      return { ...base, status: "failed", error: result.error ?? "The runner lost contact with the agent process" };
    case "exited":
      if (resultEvent?.isError) return fromResult(resultEvent);
      if (result.exitCode !== 0) {
        const after = resultEvent ? " after reporting success" : "";
        return { ...base, status: "failed", error: `Agent exited with ${exitDescription(result)}${after}` };
      }
      return resultEvent ? fromResult(resultEvent) : { ...base, status: "succeeded", error: null };
  }
}
