/**
 * The Codex adapter (`codex exec --json`): argv, JSON-lines parser and setup-error detection.
 * Runtime-neutral: no node:* imports. Codex's event schema drifts between versions: parse defensively.
 */
import type { AgentAdapter, AgentRunInput } from "./adapter";
import type { RunEventBody, StreamParser } from "./events";
import { isRecord, type Json, jsonLinesParser, str } from "./json-lines";

export const CODEX_SANDBOXES = ["read-only", "workspace-write", "danger-full-access"] as const;
export type CodexSandbox = (typeof CODEX_SANDBOXES)[number];

/** Prefix of the setup error reported when Codex's model provider has no credentials. */
export const CODEX_AUTH_ERROR =
  "Codex is not configured: set the model provider's API key for the runner (OPENAI_API_KEY, or the env_key of the provider in $CODEX_HOME/config.toml)";

const AUTH_PATTERN = /missing environment variable|unauthorized|\b401\b|invalid api key|not logged in|incorrect api key/i;

export interface CodexArgsInput extends AgentRunInput {
  sandbox?: CodexSandbox;
}

/**
 * `codex exec --json --skip-git-repo-check --sandbox <mode> [-m model]`, then `resume <thread_id>`
 * when continuing, and the prompt last after `--`. The provider (endpoint, key variable, default
 * model) comes from `$CODEX_HOME/config.toml`, Codex's own configuration.
 *
 * @example
 * codexArgs({ prompt: "Fix it", resumeSessionId: "0199…" });
 * // ["exec", "--json", "--skip-git-repo-check", "--sandbox", "workspace-write", "resume", "0199…", "--", "Fix it"]
 */
export function codexArgs(input: CodexArgsInput): string[] {
  const sandbox = input.readOnly ? "read-only" : (input.sandbox ?? "workspace-write");
  const args = ["exec", "--json", "--skip-git-repo-check", "--sandbox", sandbox];
  if (input.model) args.push("-m", input.model);
  if (input.resumeSessionId) args.push("resume", input.resumeSessionId);
  args.push("--", input.prompt);
  return args;
}

const FILE_KINDS: Record<string, "add" | "update" | "delete"> = { add: "add", update: "update", delete: "delete" };

/** tool name and input of a tool-like item, or undefined for items that are not tool calls. */
function toolOf(item: Json): { tool: string; input: unknown } | undefined {
  switch (item.type) {
    case "command_execution":
      return { tool: "command_execution", input: { command: item.command } };
    case "file_change":
      return { tool: "file_change", input: { changes: item.changes } };
    case "mcp_tool_call":
      return { tool: `${str(item.server) ?? "mcp"}.${str(item.tool) ?? "tool"}`, input: item.arguments };
    case "web_search":
      return { tool: "web_search", input: { query: item.query } };
    default:
      return undefined;
  }
}

/** How a completed tool item ended. */
function toolOutcome(item: Json): { output?: unknown; isError: boolean } {
  const failed = item.status === "failed" || item.status === "declined";
  if (item.type === "command_execution") {
    const exitCode = item.exit_code;
    return { output: item.aggregated_output, isError: failed || (typeof exitCode === "number" && exitCode !== 0) };
  }
  if (item.type === "mcp_tool_call") return { output: item.error ?? item.result, isError: failed || item.error != null };
  if (item.type === "file_change") return { output: { changes: item.changes }, isError: failed };
  return { isError: failed };
}

/**
 * A parser for one run's `codex exec --json` output: `thread.started` → session;
 * `item.*` → message / thinking / tool_started / tool_finished / file_change; `turn.completed` →
 * result (the last agent message, with usage); `turn.failed` → an error result (a missing key
 * becomes CODEX_AUTH_ERROR). Top-level `error` lines are often transient ("Reconnecting…"), so they
 * are status events, not failures.
 *
 * @example
 * createCodexParser().push('{"type":"thread.started","thread_id":"0199"}');
 * // [{ type: "session", sessionId: "0199" }]
 */
export function createCodexParser(): StreamParser {
  let threadId: string | undefined;
  let lastMessage = "";
  const started = new Set<string>();

  const itemEvents = (phase: "started" | "completed", item: Json): RunEventBody[] => {
    const callId = str(item.id) ?? "";
    if (phase === "completed" && item.type === "agent_message") {
      lastMessage = str(item.text) ?? "";
      return lastMessage ? [{ type: "message", role: "assistant", text: lastMessage }] : [];
    }
    if (phase === "completed" && item.type === "reasoning") {
      const text = str(item.text);
      return text ? [{ type: "thinking", text }] : [];
    }
    if (phase === "completed" && item.type === "error") {
      return [{ type: "status", status: "agent_error", detail: str(item.message) ?? "" }];
    }
    const call = toolOf(item);
    if (!call) return [];
    const events: RunEventBody[] = [];
    if (!started.has(callId)) {
      started.add(callId);
      events.push({ type: "tool_started", callId, tool: call.tool, input: call.input });
    }
    if (phase === "started") return events;
    const outcome = toolOutcome(item);
    events.push({ type: "tool_finished", callId, tool: call.tool, ...outcome });
    if (item.type === "file_change" && !outcome.isError && Array.isArray(item.changes)) {
      for (const change of item.changes) {
        const path = isRecord(change) ? str(change.path) : undefined;
        const kind = isRecord(change) ? FILE_KINDS[String(change.kind)] : undefined;
        if (path) events.push({ type: "file_change", path, kind: kind ?? "update", callId });
      }
    }
    return events;
  };

  const withSession = () => (threadId ? { sessionId: threadId } : {});

  return jsonLinesParser((event) => {
    switch (event.type) {
      case "thread.started": {
        threadId = str(event.thread_id);
        return threadId ? [{ type: "session", sessionId: threadId }] : [];
      }
      case "item.started":
      case "item.completed":
        return isRecord(event.item) ? itemEvents(event.type === "item.started" ? "started" : "completed", event.item) : [];
      case "turn.completed":
        return [
          {
            type: "result",
            isError: false,
            text: lastMessage,
            ...withSession(),
            ...(isRecord(event.usage) ? { usage: event.usage } : {}),
          },
        ];
      case "turn.failed": {
        const message = (isRecord(event.error) ? str(event.error.message) : undefined) ?? "Codex turn failed";
        const text = AUTH_PATTERN.test(message) ? `${CODEX_AUTH_ERROR} (${message})` : message;
        return [{ type: "result", isError: true, text, ...withSession() }];
      }
      case "error":
        return [{ type: "status", status: "agent_error", detail: str(event.message) ?? "" }];
      default:
        return [];
    }
  });
}

/**
 * A clear setup error when stderr shows Codex cannot reach its provider for lack of credentials.
 *
 * @example
 * detectCodexSetupError("Error: Missing environment variable: `OPENAI_API_KEY`."); // "Codex is not configured: …"
 */
export function detectCodexSetupError(stderr: string): string | undefined {
  const line = stderr.split("\n").find((text) => AUTH_PATTERN.test(text));
  return line ? `${CODEX_AUTH_ERROR} (${line.trim().slice(0, 300)})` : undefined;
}

/**
 * The Codex adapter. CODEX_HOME (and the provider's key variable) come from the runner's environment.
 *
 * @example
 * const codex = createCodexAdapter({ command: config.agents.codex.cliPath, sandbox: "workspace-write" });
 */
export function createCodexAdapter(options: { command: string; sandbox?: CodexSandbox }): AgentAdapter {
  return {
    name: "codex",
    command: options.command,
    args: (input) => codexArgs({ ...input, ...(options.sandbox ? { sandbox: options.sandbox } : {}) }),
    parser: createCodexParser,
    setupError: detectCodexSetupError,
  };
}
