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

/** How long a `--version` answer is reused: each probe spawns the CLI (a Node CLI takes ~1 s to start). */
const VERSION_TTL_MS = 60_000;

/**
 * Binds a lookup to the configured executables, so callers ask by agent name. Version probes of a
 * found CLI are shared and reused for `versionTtlMs`, so `GET /agents` cannot be made to spawn five
 * processes per request; a CLI that was not found is looked up afresh (cheap, and it may be installed).
 *
 * @example
 * const cliStatus = agentCliStatus(config, nodeCliLookup);
 * await cliStatus("codex", { version: true }); // { command: "codex", available: true, path, version: "codex-cli 0.169.0" }
 */
export function agentCliStatus(
  config: Config,
  lookup: CliLookup,
  { versionTtlMs = VERSION_TTL_MS, now = Date.now }: { versionTtlMs?: number; now?: () => number } = {},
): AgentCliStatus {
  const versions = new Map<string, { at: number; status: Promise<CliStatus> }>();
  return (agent = config.agents.default, options = {}) => {
    const command = agentCliPath(config, agent);
    const lookupOptions = { variable: CLI_PATH_VARIABLES[agent], ...options };
    if (!options.version) return lookup(command, lookupOptions);
    const cached = versions.get(command);
    if (cached && now() - cached.at < versionTtlMs) return cached.status;
    const status = lookup(command, lookupOptions);
    const entry = { at: now(), status };
    versions.set(command, entry);
    const forget = () => {
      if (versions.get(command) === entry) versions.delete(command);
    };
    status.then((found) => (found.available ? undefined : forget()), forget);
    return status;
  };
}
