/**
 * The Gemini CLI adapter (`gemini -p … --output-format stream-json`): argv, parser and setup errors.
 * Runtime-neutral: no node:* imports.
 */
import type { AgentAdapter, AgentRunInput } from "./adapter";
import type { RunEventBody, StreamParser } from "./events";
import { isRecord, jsonLinesParser, num, str } from "./json-lines";

/** The setup error reported when Gemini CLI has no auth method configured. */
export const GEMINI_AUTH_ERROR =
  "Gemini CLI is not authenticated: set GEMINI_API_KEY (or the Vertex AI variables) for the runner, or pick an auth method in ~/.gemini/settings.json";

const AUTH_PATTERN = /please set an auth method|invalid auth method selected|must specify the GEMINI_API_KEY|API key not valid/i;

/** Tools whose success means a file changed. */
const FILE_TOOLS: Record<string, "add" | "update"> = { write_file: "add", replace: "update" };

/**
 * `gemini --output-format stream-json --approval-mode yolo --skip-trust [-m model] [--resume id]
 * --prompt=<prompt>`: yolo because nobody is there to approve, --skip-trust because an untrusted
 * folder silently downgrades yolo to "default"; `--prompt=` keeps a prompt starting with "-" a value.
 *
 * @example
 * geminiArgs({ prompt: "Fix it", model: "gemini-2.5-flash" });
 * // ["--output-format", "stream-json", "--approval-mode", "yolo", "--skip-trust", "-m", "gemini-2.5-flash", "--prompt=Fix it"]
 */
export function geminiArgs(input: AgentRunInput): string[] {
  const args = ["--output-format", "stream-json", "--approval-mode", "yolo", "--skip-trust"];
  if (input.model) args.push("-m", input.model);
  if (input.resumeSessionId) args.push("--resume", input.resumeSessionId);
  args.push(`--prompt=${input.prompt}`);
  return args;
}

/**
 * A parser for one run's stream-json: `init` → session; assistant `message` deltas are merged into
 * one message (flushed at the next other event, so messages look alike for every agent);
 * `tool_use`/`tool_result` → tool_started/tool_finished (+ file_change for write_file/replace);
 * `error` → status; `result` → result whose text is the assistant's text since the last tool call.
 *
 * @example
 * createGeminiParser().push('{"type":"init","session_id":"s1","model":"gemini-2.5-flash"}');
 * // [{ type: "session", sessionId: "s1", model: "gemini-2.5-flash" }]
 */
export function createGeminiParser(): StreamParser {
  let sessionId: string | undefined;
  let pending = "";
  let answer = "";
  const tools = new Map<string, { name: string; input: unknown }>();

  const flush = (): RunEventBody[] => {
    if (!pending) return [];
    const text = pending;
    pending = "";
    return [{ type: "message", role: "assistant", text }];
  };

  return jsonLinesParser((event) => {
    if (event.type === "message" && event.role === "assistant") {
      const text = str(event.content) ?? "";
      pending += text;
      answer += text;
      return event.delta === true ? [] : flush();
    }
    const before = flush();
    switch (event.type) {
      case "init": {
        sessionId = str(event.session_id);
        const model = str(event.model);
        return sessionId ? [...before, { type: "session", sessionId, ...(model ? { model } : {}) }] : before;
      }
      case "message": {
        const text = str(event.content);
        return text ? [...before, { type: "message", role: "user", text }] : before;
      }
      case "tool_use": {
        const callId = str(event.tool_id) ?? "";
        const tool = str(event.tool_name) ?? "unknown";
        tools.set(callId, { name: tool, input: event.parameters });
        answer = "";
        return [...before, { type: "tool_started", callId, tool, input: event.parameters }];
      }
      case "tool_result": {
        const callId = str(event.tool_id) ?? "";
        const call = tools.get(callId);
        const tool = call?.name ?? "unknown";
        const isError = event.status !== "success";
        const output = isError ? (event.error ?? event.output) : event.output;
        const events: RunEventBody[] = [...before, { type: "tool_finished", callId, tool, output, isError }];
        const input = isRecord(call?.input) ? call.input : {};
        const path = str(input.file_path);
        const kind = FILE_TOOLS[tool];
        if (kind && path && !isError) events.push({ type: "file_change", path, kind, callId });
        return events;
      }
      case "error": {
        const detail = (isRecord(event.error) ? str(event.error.message) : undefined) ?? str(event.message) ?? "";
        return [...before, { type: "status", status: "agent_error", detail }];
      }
      case "result": {
        const stats = isRecord(event.stats) ? event.stats : undefined;
        const durationMs = num(stats?.duration_ms);
        const isError = event.status !== "success";
        const errorText = isRecord(event.error) ? str(event.error.message) : undefined;
        const text = isError ? errorText || answer.trim() || "Gemini CLI reported an error" : answer.trim();
        return [
          ...before,
          {
            type: "result",
            isError,
            text,
            ...(sessionId ? { sessionId } : {}),
            ...(durationMs === undefined ? {} : { durationMs }),
            ...(stats ? { usage: stats } : {}),
          },
        ];
      }
      default:
        return before;
    }
  });
}

/**
 * A clear setup error when stderr shows Gemini CLI has no usable auth method, else undefined.
 *
 * @example
 * detectGeminiSetupError("Please set an Auth method in your /root/.gemini/settings.json …"); // GEMINI_AUTH_ERROR
 */
export function detectGeminiSetupError(stderr: string): string | undefined {
  return AUTH_PATTERN.test(stderr) ? GEMINI_AUTH_ERROR : undefined;
}

/**
 * The Gemini CLI adapter. Endpoint and key come from the runner's environment
 * (GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL) and ~/.gemini/settings.json.
 *
 * @example
 * const gemini = createGeminiAdapter({ command: config.agents.gemini.cliPath });
 */
export function createGeminiAdapter(options: { command: string }): AgentAdapter {
  return {
    name: "gemini",
    command: options.command,
    args: geminiArgs,
    parser: createGeminiParser,
    setupError: detectGeminiSetupError,
  };
}
