/**
 * The opencode adapter (`opencode run --format json`): argv, parser and setup-error detection.
 * Runtime-neutral: no node:* imports.
 */
import type { AgentAdapter, AgentRunInput } from "./adapter";
import type { RunEventBody, StreamParser } from "./events";
import { isRecord, jsonLinesParser, num, str } from "./json-lines";

/** Prefix of the setup error reported when opencode's provider has no credentials. */
export const OPENCODE_AUTH_ERROR =
  "opencode is not configured: give its provider an API key (the provider's env variable, `opencode auth login`, or OPENCODE_CONFIG)";

const AUTH_PATTERN = /ProviderAuthError|api key|unauthorized|\b401\b|ProviderModelNotFound|model not found/i;

/** Tools whose success means a file changed. */
const FILE_TOOLS: Record<string, "add" | "update"> = { write: "add", edit: "update", patch: "update", multiedit: "update" };

/**
 * `opencode run --format json --auto [-m provider/model] [-s session] -- <prompt>`: JSON events on
 * stdout, `--auto` because nobody is there to approve a permission prompt.
 *
 * @example
 * opencodeArgs({ prompt: "Fix it", resumeSessionId: "ses_1" });
 * // ["run", "--format", "json", "--auto", "-s", "ses_1", "--", "Fix it"]
 */
export function opencodeArgs(input: AgentRunInput): string[] {
  const args = ["run", "--format", "json", "--auto"];
  if (input.model) args.push("-m", input.model);
  if (input.resumeSessionId) args.push("-s", input.resumeSessionId);
  args.push("--", input.prompt);
  return args;
}

/**
 * A parser for one run's JSON events: the first `sessionID` → session; `text` → message;
 * `reasoning` → thinking; `tool_use` (completed or error) → tool_started + tool_finished (+
 * file_change for write/edit/patch); `step_finish` adds up tokens and cost, and one whose reason is
 * not "tool-calls" ends the agent loop → result. `error` → an error result.
 *
 * @example
 * createOpencodeParser().push('{"type":"step_start","sessionID":"ses_1","part":{"type":"step-start"}}');
 * // [{ type: "session", sessionId: "ses_1" }]
 */
export function createOpencodeParser(): StreamParser {
  let sessionId: string | undefined;
  let answer = "";
  let costUsd = 0;
  const usage = { input: 0, output: 0, reasoning: 0, cacheRead: 0, cacheWrite: 0 };

  const addTokens = (tokens: unknown) => {
    if (!isRecord(tokens)) return;
    usage.input += num(tokens.input) ?? 0;
    usage.output += num(tokens.output) ?? 0;
    usage.reasoning += num(tokens.reasoning) ?? 0;
    const cache = isRecord(tokens.cache) ? tokens.cache : {};
    usage.cacheRead += num(cache.read) ?? 0;
    usage.cacheWrite += num(cache.write) ?? 0;
  };

  return jsonLinesParser((event) => {
    const events: RunEventBody[] = [];
    const id = str(event.sessionID);
    if (id && !sessionId) {
      sessionId = id;
      events.push({ type: "session", sessionId: id });
    }
    const part = isRecord(event.part) ? event.part : {};
    switch (event.type) {
      case "text": {
        const text = str(part.text);
        if (text) {
          answer = text;
          events.push({ type: "message", role: "assistant", text });
        }
        break;
      }
      case "reasoning": {
        const text = str(part.text);
        if (text) events.push({ type: "thinking", text });
        break;
      }
      case "tool_use": {
        const state = isRecord(part.state) ? part.state : {};
        const callId = str(part.callID) ?? str(part.id) ?? "";
        const tool = str(part.tool) ?? "unknown";
        events.push({ type: "tool_started", callId, tool, input: state.input });
        if (state.status !== "completed" && state.status !== "error") break;
        const isError = state.status === "error";
        events.push({ type: "tool_finished", callId, tool, output: isError ? state.error : state.output, isError });
        const input = isRecord(state.input) ? state.input : {};
        const path = str(input.filePath) ?? str(input.file_path);
        const kind = FILE_TOOLS[tool];
        if (kind && path && !isError) {
          const existed = isRecord(state.metadata) && state.metadata.exists === true;
          events.push({ type: "file_change", path, kind: kind === "add" && existed ? "update" : kind, callId });
        }
        break;
      }
      case "step_finish": {
        addTokens(part.tokens);
        costUsd += num(part.cost) ?? 0;
        if (part.reason === "tool-calls") break;
        events.push({
          type: "result",
          isError: false,
          text: answer,
          ...(sessionId ? { sessionId } : {}),
          usage: { ...usage },
          costUsd,
        });
        break;
      }
      case "error": {
        const error = isRecord(event.error) ? event.error : {};
        const data = isRecord(error.data) ? error.data : {};
        const message = str(data.message) ?? str(error.name) ?? "opencode reported an error";
        const text = AUTH_PATTERN.test(`${str(error.name) ?? ""} ${message}`) ? `${OPENCODE_AUTH_ERROR} (${message})` : message;
        events.push({ type: "result", isError: true, text, ...(sessionId ? { sessionId } : {}) });
        break;
      }
    }
    return events;
  });
}

/**
 * A clear setup error when stderr shows opencode's provider is not configured, else undefined.
 *
 * @example
 * detectOpencodeSetupError("ProviderAuthError: missing API key"); // "opencode is not configured: …"
 */
export function detectOpencodeSetupError(stderr: string): string | undefined {
  const line = stderr.split("\n").find((text) => AUTH_PATTERN.test(text));
  return line ? `${OPENCODE_AUTH_ERROR} (${line.trim().slice(0, 300)})` : undefined;
}

/**
 * The opencode adapter. Providers come from the runner's environment (OPENCODE_CONFIG /
 * OPENCODE_CONFIG_CONTENT, provider keys); the auto-updater is always off in a runner.
 *
 * @example
 * const opencode = createOpencodeAdapter({ command: config.agents.opencode.cliPath });
 */
export function createOpencodeAdapter(options: { command: string }): AgentAdapter {
  return {
    name: "opencode",
    command: options.command,
    args: opencodeArgs,
    env: () => ({ OPENCODE_DISABLE_AUTOUPDATE: "1" }),
    parser: createOpencodeParser,
    setupError: detectOpencodeSetupError,
  };
}
