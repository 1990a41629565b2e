import { AGENT_NAMES } from "../agents/adapter";
import { CODEX_SANDBOXES } from "../agents/codex";
import { type BuildContext, type EnvValues, flag, int, list, oneOf, text } from "./parse";

/** The agent CLIs: cursor-agent's limits (the original's variables) and the other adapters' executables. */
export const agentsEnv = {
  CURSOR_CLI_PATH: text(),
  CURSOR_CLI_TIMEOUT: int("milliseconds", 1_800_000),
  CURSOR_CLI_IDLE_TIMEOUT: int("milliseconds", 600_000),
  CURSOR_CLI_MAX_OUTPUT_SIZE: int("bytes", 10 * 1024 * 1024),
  CURSOR_RUNNER_USE_PTY: flag(),
  CURSOR_OUTPUT_FORMAT: oneOf(["stream-json", "text"] as const, "stream-json"),
  CURSOR_CLI_ITERATE_TIMEOUT: int("milliseconds", 1_800_000),
  DEFAULT_AGENT: oneOf(AGENT_NAMES, "cursor"),
  CLAUDE_CLI_PATH: text(),
  CLAUDE_ALLOWED_TOOLS: list(),
  CODEX_CLI_PATH: text(),
  CODEX_SANDBOX: oneOf(CODEX_SANDBOXES, "workspace-write"),
  GEMINI_CLI_PATH: text(),
  OPENCODE_CLI_PATH: text(),
};

export function agentsConfig(e: EnvValues<typeof agentsEnv>, _ctx: BuildContext) {
  return {
    cursor: {
      cliPath: e.CURSOR_CLI_PATH ?? "cursor-agent",
      timeoutMs: e.CURSOR_CLI_TIMEOUT,
      idleTimeoutMs: e.CURSOR_CLI_IDLE_TIMEOUT,
      maxOutputBytes: e.CURSOR_CLI_MAX_OUTPUT_SIZE,
      outputFormat: e.CURSOR_OUTPUT_FORMAT,
      usePty: e.CURSOR_RUNNER_USE_PTY,
      iterateTimeoutMs: e.CURSOR_CLI_ITERATE_TIMEOUT,
    },
    /** The other agent CLIs; a request's `agent` picks one (default DEFAULT_AGENT). */
    agents: {
      default: e.DEFAULT_AGENT,
      claude: {
        cliPath: e.CLAUDE_CLI_PATH ?? "claude",
        /** Empty = the adapter's default list (see CLAUDE_DEFAULT_ALLOWED_TOOLS). */
        allowedTools: e.CLAUDE_ALLOWED_TOOLS,
      },
      codex: { cliPath: e.CODEX_CLI_PATH ?? "codex", sandbox: e.CODEX_SANDBOX },
      gemini: { cliPath: e.GEMINI_CLI_PATH ?? "gemini" },
      opencode: { cliPath: e.OPENCODE_CLI_PATH ?? "opencode" },
    },
  };
}
