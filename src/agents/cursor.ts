/**
 * The Cursor adapter (`cursor-agent`): argv, stream-json parser and setup-error detection.
 * Runtime-neutral: no node:* imports (the Workers build reaches it through the run service).
 */
import type { AgentAdapter } from "./adapter";
import type { RunEventBody, StreamParser } from "./events";
import { isRecord, type Json, jsonLinesParser, sessionFromInit, str } from "./json-lines";

export type CursorOutputFormat = "stream-json" | "text";

export interface CursorArgsInput {
  prompt: string;
  outputFormat: CursorOutputFormat;
  /** Cursor's chat id from an earlier run of the same conversation. */
  resumeSessionId?: string;
  /** Only when at least one MCP server is selected: the flag initialises every MCP eagerly (spec §4.4). */
  approveMcps?: boolean;
  /** Default `auto`, as the original ran. */
  model?: string;
  /** Without `--force`: the agent may not edit files. */
  readOnly?: boolean;
}

/** The setup error reported instead of agent output when cursor-agent is not logged in. */
export const CURSOR_AUTH_ERROR =
  "cursor-agent is not authenticated: set CURSOR_API_KEY for the runner (or run `cursor-agent login` on the host)";

/**
 * The argv of one headless run: the original's `--model auto --print --force [--approve-mcps]`
 * (spec §4.4), then `--output-format` always (the CLI's default differs between docs and versions)
 * and `--resume <id>` when continuing a chat, with the prompt last as one argv element.
 * A prompt starting with "-" is preceded by "--" so it cannot be read as an option.
 *
 * @example
 * cursorArgs({ prompt: "Fix the bug", outputFormat: "stream-json", resumeSessionId: "c0ffee" });
 * // ["--model", "auto", "--print", "--force", "--output-format", "stream-json", "--resume", "c0ffee", "Fix the bug"]
 */
export function cursorArgs(input: CursorArgsInput): string[] {
  // `--force` is what lets cursor-agent edit files: a read-only run goes without it.
  const args = ["--model", input.model ?? "auto", "--print", ...(input.readOnly ? [] : ["--force"])];
  if (input.approveMcps) args.push("--approve-mcps");
  args.push("--output-format", input.outputFormat);
  if (input.resumeSessionId) args.push("--resume", input.resumeSessionId);
  if (input.prompt.startsWith("-")) args.push("--");
  args.push(input.prompt);
  return args;
}

/**
 * A parser for one run's stdout lines.
 * - stream-json: `system/init` → session, `user`/`assistant` → message, `thinking` deltas → thinking,
 *   `tool_call` started/completed → tool_started/tool_finished, `result` → result. Unknown event
 *   types yield nothing; a line that is not a JSON object becomes a `status` event
 *   `{ status: "unparsed_output", detail }` (clipped), so stray CLI output stays visible but is
 *   never mistaken for the agent's answer.
 * - text: every non-blank line is assistant text.
 * It never throws.
 *
 * @example
 * const parser = createCursorParser();
 * parser.push('{"type":"system","subtype":"init","session_id":"s1","model":"Auto"}');
 * // [{ type: "session", sessionId: "s1", model: "Auto" }]
 */
export function createCursorParser(options: { outputFormat?: CursorOutputFormat } = {}): StreamParser {
  if (options.outputFormat !== "text") return jsonLinesParser(toEvents);
  return {
    push(rawLine) {
      const line = rawLine.replace(/\r$/, "");
      return line.trim() ? [{ type: "message", role: "assistant", text: line }] : [];
    },
  };
}

/**
 * A clear setup error when stderr shows the CLI is not authenticated, else undefined.
 *
 * @example
 * detectCursorSetupError("Error: Authentication required. Please run 'cursor-agent login' first, or set CURSOR_API_KEY …");
 * // CURSOR_AUTH_ERROR
 */
export function detectCursorSetupError(stderr: string): string | undefined {
  return /authentication required/i.test(stderr) ? CURSOR_AUTH_ERROR : undefined;
}

/**
 * The Cursor adapter for the run service.
 *
 * @example
 * const adapter = createCursorAdapter({ command: config.cursor.cliPath, outputFormat: config.cursor.outputFormat });
 */
export function createCursorAdapter(options: {
  command: string;
  outputFormat: CursorOutputFormat;
  approveMcps?: boolean;
}): AgentAdapter {
  return {
    name: "cursor",
    command: options.command,
    args: (input) =>
      cursorArgs({ ...input, outputFormat: options.outputFormat, approveMcps: input.approveMcps ?? options.approveMcps }),
    parser: () => createCursorParser({ outputFormat: options.outputFormat }),
    setupError: detectCursorSetupError,
  };
}

/** Text of a message whose content is a string or a list of `{type:"text", text}` blocks. */
function contentText(message: unknown): string {
  if (!isRecord(message)) return "";
  const { content } = message;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((block) => (isRecord(block) && block.type === "text" ? (str(block.text) ?? "") : "")).join("");
}

function toEvents(event: Json): RunEventBody[] {
  switch (event.type) {
    case "system":
      return sessionFromInit(event);
    case "user":
    case "assistant": {
      const text = contentText(event.message);
      return text ? [{ type: "message", role: event.type, text }] : [];
    }
    case "thinking": {
      const text = str(event.text);
      return text ? [{ type: "thinking", text }] : [];
    }
    case "tool_call":
      return toolEvents(event);
    case "result": {
      const sessionId = str(event.session_id);
      const durationMs = typeof event.duration_ms === "number" ? event.duration_ms : undefined;
      return [
        {
          type: "result",
          isError: event.is_error === true || (typeof event.subtype === "string" && event.subtype !== "success"),
          text: str(event.result) ?? "",
          ...(sessionId ? { sessionId } : {}),
          ...(durationMs === undefined ? {} : { durationMs }),
          ...(isRecord(event.usage) ? { usage: event.usage } : {}),
        },
      ];
    }
    default:
      return [];
  }
}

/**
 * `tool_call` carries one typed payload keyed by tool, e.g. `{ shellToolCall: { args, result } }`.
 * The readable name drops the `ToolCall` suffix (shellToolCall → "shell"); a generic
 * `{ function: { name } }` payload uses its name.
 */
function toolEvents(event: Json): RunEventBody[] {
  const callId = str(event.call_id) ?? "";
  const payloads = isRecord(event.tool_call) ? Object.entries(event.tool_call) : [];
  const [key, raw] = payloads[0] ?? ["unknown", undefined];
  const body = isRecord(raw) ? raw : {};
  const tool = key === "function" ? (str(body.name) ?? key) : key.replace(/ToolCall$/, "") || key;

  if (event.subtype === "started") return [{ type: "tool_started", callId, tool, input: body.args ?? body.arguments }];
  if (event.subtype !== "completed") return [];
  return [{ type: "tool_finished", callId, tool, ...toolOutcome(body.result) }];
}

const ERROR_KEYS = new Set(["error", "failure", "rejected", "denied", "permissionDenied", "timeout"]);

/**
 * `result` is `{ success: {...} }` or keyed by an error kind (`error`, `failure`, `rejected` …);
 * any other shape is passed through as output.
 * A shell command that ran but exited non-zero also counts as an error.
 */
function toolOutcome(result: unknown): { output?: unknown; isError: boolean } {
  if (!isRecord(result)) return result === undefined ? { isError: false } : { output: result, isError: false };
  if ("success" in result) {
    const output = result.success;
    const exitCode = isRecord(output) ? output.exitCode : undefined;
    return { output, isError: typeof exitCode === "number" && exitCode !== 0 };
  }
  const errorKey = Object.keys(result).find((key) => ERROR_KEYS.has(key));
  return errorKey ? { output: result[errorKey], isError: true } : { output: result, isError: false };
}
