/**
 * Normalized run events: the same shape whatever the agent CLI, so clients never branch on it.
 * `seq` is assigned by the run's event log (1, 2, 3 … per run); adapters emit events without it.
 */

export type RunEventType = "session" | "message" | "thinking" | "tool_started" | "tool_finished" | "result" | "stderr" | "status";

export interface RunEventBase {
  seq: number;
  /** ISO time the event was observed. */
  ts: string;
  type: RunEventType;
}

export type RunEventBody =
  | { type: "session"; sessionId: string; model?: string; cwd?: string }
  | { type: "message"; role: "assistant" | "user"; text: string }
  | { type: "thinking"; text: string }
  | { type: "tool_started"; callId: string; tool: string; input?: unknown }
  | { type: "tool_finished"; callId: string; tool: string; output?: unknown; isError?: boolean }
  /** A file the agent created, edited or deleted (after the tool that did it succeeded). */
  | { type: "file_change"; path: string; kind: "add" | "update" | "delete"; callId?: string }
  | {
      type: "result";
      isError: boolean;
      text: string;
      sessionId?: string;
      durationMs?: number;
      usage?: Record<string, unknown>;
      costUsd?: number;
    }
  | { type: "stderr"; text: string }
  | { type: "status"; status: string; detail?: string };

export type RunEvent = RunEventBody & Omit<RunEventBase, "type">;

/** An adapter's parser: fed raw stdout lines, returns the events each line produced (often zero or one). */
export interface StreamParser {
  push(line: string): RunEventBody[];
}
