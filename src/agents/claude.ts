/**
 * The Claude Code adapter (`claude`): argv, stream-json parser and setup-error detection.
 * Runtime-neutral: no node:* imports.
 */
import type { AgentAdapter, AgentRunInput } from "./adapter";
import type { RunEventBody, StreamParser } from "./events";
import { isRecord, type Json, jsonLinesParser, num, sessionFromInit, str } from "./json-lines";

/** The setup error reported instead of agent output when Claude Code has no credentials. */
export const CLAUDE_AUTH_ERROR =
  "Claude Code is not authenticated: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) for the runner, or run `claude login` on the host";

/** Tools a headless run may use without asking (there is nobody to ask). */
export const CLAUDE_DEFAULT_ALLOWED_TOOLS = [
  "Bash",
  "Edit",
  "Write",
  "MultiEdit",
  "NotebookEdit",
  "Read",
  "Glob",
  "Grep",
  "LS",
  "TodoWrite",
  "WebFetch",
  "WebSearch",
];

/** A read-only run (a reviewer) may look, never change: everything else is denied headlessly. */
export const CLAUDE_READ_ONLY_TOOLS = ["Read", "Glob", "Grep", "LS"];

/** Tools whose success means a file changed, and how to read the path from their input. */
const FILE_TOOLS: Record<string, "add" | "update"> = {
  Write: "add",
  Edit: "update",
  MultiEdit: "update",
  NotebookEdit: "update",
};

export interface ClaudeArgsInput extends AgentRunInput {
  allowedTools?: string[];
}

/**
 * `claude -p --output-format stream-json --verbose` (stream-json needs --verbose in print mode),
 * `--permission-mode acceptEdits` plus an explicit `--allowedTools` list so a headless run can edit
 * and run commands without prompts — `--dangerously-skip-permissions` is refused as root unless
 * IS_SANDBOX=1 — then `--resume <session>` / `--model`, and the prompt last after `--`.
 *
 * @example
 * claudeArgs({ prompt: "Fix it", resumeSessionId: "4b1d…" });
 * // ["-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "acceptEdits",
 * //  "--allowedTools", "Bash,Edit,…", "--resume", "4b1d…", "--", "Fix it"]
 */
export function claudeArgs(input: ClaudeArgsInput): string[] {
  const tools = input.readOnly ? CLAUDE_READ_ONLY_TOOLS : (input.allowedTools ?? CLAUDE_DEFAULT_ALLOWED_TOOLS);
  const mode = input.readOnly ? "default" : "acceptEdits";
  const args = ["-p", "--output-format", "stream-json", "--verbose", "--permission-mode", mode];
  // One comma-separated value: the option is variadic and would otherwise swallow what follows.
  if (tools.length > 0) args.push("--allowedTools", tools.join(","));
  if (input.resumeSessionId) args.push("--resume", input.resumeSessionId);
  if (input.model) args.push("--model", input.model);
  args.push("--", input.prompt);
  return args;
}

/** Text of a tool_result's content: a string or a list of `{type:"text"}` blocks. */
function resultText(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const texts = content.map((block) => (isRecord(block) && block.type === "text" ? (str(block.text) ?? "") : null));
  return texts.every((text) => text !== null) ? texts.join("") : content;
}

/**
 * A parser for one run's stream-json: `system/init` → session; each `assistant` block → message,
 * thinking or tool_started; each `user` tool_result → tool_finished (plus file_change for a
 * successful Write/Edit); `result` → result with usage and cost. An authentication failure (the CLI
 * answers "Not logged in" itself, on stdout) becomes a result carrying CLAUDE_AUTH_ERROR.
 *
 * @example
 * createClaudeParser().push('{"type":"system","subtype":"init","session_id":"s1","model":"claude-x","cwd":"/r"}');
 * // [{ type: "session", sessionId: "s1", model: "claude-x", cwd: "/r" }]
 */
export function createClaudeParser(): StreamParser {
  const tools = new Map<string, { name: string; input: unknown }>();
  let authFailed = false;

  const assistant = (event: Json): RunEventBody[] => {
    if (event.error === "authentication_failed") authFailed = true;
    const message = isRecord(event.message) ? event.message : {};
    const content = Array.isArray(message.content) ? message.content : [];
    return content.flatMap((block): RunEventBody[] => {
      if (!isRecord(block)) return [];
      if (block.type === "text" && str(block.text)) return [{ type: "message", role: "assistant", text: block.text as string }];
      if (block.type === "thinking" && str(block.thinking)) return [{ type: "thinking", text: block.thinking as string }];
      if (block.type === "tool_use") {
        const callId = str(block.id) ?? "";
        const name = str(block.name) ?? "unknown";
        tools.set(callId, { name, input: block.input });
        return [{ type: "tool_started", callId, tool: name, input: block.input }];
      }
      return [];
    });
  };

  const user = (event: Json): RunEventBody[] => {
    const message = isRecord(event.message) ? event.message : {};
    if (typeof message.content === "string") return [{ type: "message", role: "user", text: message.content }];
    const content = Array.isArray(message.content) ? message.content : [];
    return content.flatMap((block): RunEventBody[] => {
      if (!isRecord(block)) return [];
      if (block.type === "text" && str(block.text)) return [{ type: "message", role: "user", text: block.text as string }];
      if (block.type !== "tool_result") return [];
      const callId = str(block.tool_use_id) ?? "";
      const call = tools.get(callId);
      const tool = call?.name ?? "unknown";
      const isError = block.is_error === true;
      const events: RunEventBody[] = [{ type: "tool_finished", callId, tool, output: resultText(block.content), isError }];
      const kind = FILE_TOOLS[tool];
      const input = isRecord(call?.input) ? call.input : {};
      const path = str(input.file_path) ?? str(input.notebook_path);
      if (kind && path && !isError) {
        const created = isRecord(event.tool_use_result) ? event.tool_use_result.type === "create" : kind === "add";
        events.push({ type: "file_change", path, kind: created ? "add" : "update", callId });
      }
      return events;
    });
  };

  const result = (event: Json): RunEventBody[] => {
    const sessionId = str(event.session_id);
    const durationMs = num(event.duration_ms);
    const costUsd = num(event.total_cost_usd);
    const isError = event.is_error === true || (typeof event.subtype === "string" && event.subtype !== "success");
    const text = authFailed && isError ? CLAUDE_AUTH_ERROR : (str(event.result) ?? "");
    return [
      {
        type: "result",
        isError,
        text,
        ...(sessionId ? { sessionId } : {}),
        ...(durationMs === undefined ? {} : { durationMs }),
        ...(isRecord(event.usage) ? { usage: event.usage } : {}),
        ...(costUsd === undefined ? {} : { costUsd }),
      },
    ];
  };

  return jsonLinesParser((event) => {
    switch (event.type) {
      case "system":
        return sessionFromInit(event);
      case "assistant":
        return assistant(event);
      case "user":
        return user(event);
      case "result":
        return result(event);
      default:
        return [];
    }
  });
}

/**
 * A clear setup error when stderr shows Claude Code has no usable credentials, else undefined.
 * (The usual "Not logged in" arrives on stdout and is handled by the parser.)
 *
 * @example
 * detectClaudeSetupError("Invalid API key · Please run /login"); // CLAUDE_AUTH_ERROR
 */
export function detectClaudeSetupError(stderr: string): string | undefined {
  return /not logged in|invalid api key|please run \/login|authentication_failed/i.test(stderr) ? CLAUDE_AUTH_ERROR : undefined;
}

/**
 * The Claude Code adapter. Endpoint and credentials come from the runner's environment
 * (ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY …); the auto-updater is always off in a runner.
 *
 * @example
 * const claude = createClaudeAdapter({ command: config.agents.claude.cliPath });
 */
export function createClaudeAdapter(options: { command: string; allowedTools?: string[] }): AgentAdapter {
  return {
    name: "claude",
    command: options.command,
    args: (input) => claudeArgs({ ...input, ...(options.allowedTools ? { allowedTools: options.allowedTools } : {}) }),
    env: () => ({ DISABLE_AUTOUPDATER: "1" }),
    parser: createClaudeParser,
    setupError: detectClaudeSetupError,
  };
}
