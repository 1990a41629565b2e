/**
 * Which executable each agent runs and how to ask whether it is installed. Runtime-neutral: the
 * actual lookup (PATH search, `--version`) is passed in by the entry point (Node or sidecar).
 */
import type { Config } from "../config";
import type { AgentName } from "./adapter";

/** The setting that points at each agent's executable (named in "not found" errors). */
export const CLI_PATH_VARIABLES: Record<AgentName, string> = {
  cursor: "CURSOR_CLI_PATH",
  claude: "CLAUDE_CLI_PATH",
  codex: "CODEX_CLI_PATH",
  gemini: "GEMINI_CLI_PATH",
  opencode: "OPENCODE_CLI_PATH",
};

/** Whether an agent CLI can be found, as reported by `/health/queue` and `GET /agents`. */
export interface CliStatus {
  command: string;
  available: boolean;
  path?: string;
  error?: string;
  /** First line of `<cli> --version`, when asked for and the probe answered. */
  version?: string;
}

export interface CliLookupOptions {
  /** The setting to name when the executable is missing. */
  variable: string;
  /** Also run `<cli> --version` (GET /agents); plain lookups skip it because it spawns a process. */
  version?: boolean;
}

/** Looks one executable up. */
export type CliLookup = (command: string, options: CliLookupOptions) => Promise<CliStatus>;

/** Per-agent status; no agent means the default one (DEFAULT_AGENT). */
export type AgentCliStatus = (agent?: AgentName, options?: { version?: boolean }) => Promise<CliStatus>;

/**
 * The configured executable of an agent.
 *
 * @example
 * agentCliPath(config, "claude"); // "claude" unless CLAUDE_CLI_PATH says otherwise
 */
export function agentCliPath(config: Config, agent: AgentName): string {
  return agent === "cursor" ? config.cursor.cliPath : config.agents[agent].cliPath;
}

/**
 * Binds a lookup to the configured executables, so callers ask by agent name.
 *
 * @example
 * const cliStatus = agentCliStatus(config, nodeCliLookup);
 * await cliStatus("codex", { version: true }); // { command: "codex", available: true, path, version: "codex-cli 0.169.0" }
 */
export function agentCliStatus(config: Config, lookup: CliLookup): AgentCliStatus {
  return (agent = config.agents.default, options = {}) =>
    lookup(agentCliPath(config, agent), { variable: CLI_PATH_VARIABLES[agent], ...options });
}
