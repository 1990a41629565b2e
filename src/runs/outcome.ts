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

/**
 * Maps how the process ended to the run's honest status. The agent's own `result` line is
 * completion (a process killed for lingering after it still succeeded); a setup problem
 * (e.g. not authenticated) is reported as such rather than as agent output.
 */
export function decideOutcome({ result, resultEvent, assistantText, setupError, textMode }: OutcomeInput): RunFinish {
  const output = textMode ? result.stdout.trim() : (resultEvent?.text ?? assistantText.join("\n")).trim();
  const base = { exitCode: result.exitCode, output: output || null, stderr: result.stderr.trim() || null, reason: result.reason };

  if (setupError) return { ...base, status: "failed", error: setupError };
  switch (result.reason) {
    case "timeout":
    case "idle":
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
      if (resultEvent) {
        return resultEvent.isError
          ? { ...base, status: "failed", error: resultEvent.text || "The agent reported an error" }
          : { ...base, status: "succeeded", error: null };
      }
      return result.exitCode === 0
        ? { ...base, status: "succeeded", error: null }
        : { ...base, status: "failed", error: `Agent exited with code ${result.exitCode ?? `signal ${result.signal}`}` };
  }
}
