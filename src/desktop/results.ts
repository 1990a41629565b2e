// Runtime-neutral: what a desktop action returns, who asked for it, and what the recorder hook is told.
import type { ComputerAction } from "./actions";
import type { ApplicationResult } from "./applications";
import type { ReadFileResult, WriteFileResult } from "./files";

export type ScreenshotResult = { image: string; width: number; height: number };
export type ActionResult =
  | { success: true }
  | ScreenshotResult
  | { x: number; y: number }
  | ReadFileResult
  | WriteFileResult
  | ApplicationResult;

/** Who asked for an action: the HTTP route, the MCP server or the desktop agent, and for which task (if any). */
export interface ActionContext {
  source: "http" | "mcp" | "agent";
  /** The task the action belongs to (POST /computer-use `taskId`), for takeover recording. */
  taskId?: string;
  /** Aborted when the request goes away: the running command is stopped (held keys are released). */
  signal?: AbortSignal;
}

/** What the recorder hook is told after every action, successful or not. */
export interface ActionRecord {
  action: ComputerAction;
  source: ActionContext["source"];
  taskId?: string;
  startedAt: string;
  durationMs: number;
  /** The result (a screenshot's is `{image, width, height}`, base64 PNG) when the action succeeded. */
  result?: ActionResult;
  /** Status and message when it failed. */
  error?: { status: number; message: string };
}

/**
 * Called after each action (item 6 wires it to tasks under USER control: the user's actions become
 * task messages). Awaited, but its failure never fails the action: it is logged.
 */
export type ActionRecorder = (record: ActionRecord) => Promise<void> | void;
