/** Runtime-neutral MCP types: the catalogue, a selection, and what the run service needs per run. */

/** One server entry as cursor-agent reads it from `mcp.json`. */
export interface McpServerConfig {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  [key: string]: unknown;
}

export type McpServers = Record<string, McpServerConfig>;

export interface McpSelection {
  selectedMcps: string[];
  reasoning?: string;
}

/** A run's claim on its workspace's `.cursor/mcp.json`; released when the run ends. */
export interface McpLease {
  /** The servers written for the run (empty: none, so no `--approve-mcps`). */
  servers: string[];
  release(): Promise<void>;
}

/** Per-run MCP configuration, as the run service uses it. */
export interface RunMcp {
  /** Chooses servers for a prompt (OpenAI when configured, else keywords). */
  select(prompt: string, context?: string): Promise<McpSelection>;
  /**
   * Selects (unless `mcpServers` is given) and writes the run's `.cursor/mcp.json`. Throws a 409
   * HttpError when another live run holds the same workspace with a different selection.
   */
  acquire(run: { id: string; cwd: string; prompt: string; mcpServers: string[] | null }): Promise<McpLease>;
  /**
   * Crash recovery: removes the MCP files that `runs` (interrupted: their runner died mid-run) left
   * behind, restoring what was there before — but only a file this service wrote for one of them
   * and nobody changed since, and never in a workspace a live run of this process holds.
   */
  recover(runs: { id: string; cwd: string }[]): Promise<void>;
}

/** What crash recovery did in one workspace. */
export type McpRecovery =
  /** Nothing of ours there (never written, cleaned up already, or a tracked/user file). */
  | "none"
  /** Ours, but written for runs other than these (another runner's live run, say): left alone. */
  | "foreign"
  /** Our file was removed (nothing was there before it). */
  | "removed"
  /** Our file was replaced by the file that was there before it. */
  | "restored"
  /** The file is no longer what we wrote (changed or removed since): left alone, our record dropped. */
  | "changed";

export interface McpWriteResult {
  /** False when the repository tracks its own `.cursor/mcp.json` (left untouched). */
  written: boolean;
  reason?: string;
  /** What an untracked file held before (restored by `remove`). */
  previous?: string;
}

/**
 * File access the MCP module needs (Node: src/repos/workspace-files.ts). Next to every file it
 * writes it keeps a record (`.cursor/mcp.json.cursor-runner`): the runs using the file, a hash of
 * what was written, and the file it replaced. That is how a later process — after a crash — tells
 * a file of ours from the user's, and what to put back.
 */
export interface McpFiles {
  /** The raw JSON of the catalogue (MCP_CONFIG_PATH, else the bundled config/mcp.json). */
  readCatalogue(): Promise<unknown>;
  /** Writes `<dir>/.cursor/mcp.json` (mode 0600) for run `runId`, with its record; both git-excluded. */
  write(dir: string, config: { mcpServers: McpServers }, runId: string): Promise<McpWriteResult>;
  /** Records that run `runId` uses the file too (it shares a live run's file). */
  join(dir: string, runId: string): Promise<void>;
  /** Removes the file `write` created, or puts `previous` back; then its record. */
  remove(dir: string, previous?: string): Promise<void>;
  /** Removes (or restores) the file if its record names one of `runIds` and it is still as written. */
  recover(dir: string, runIds: string[]): Promise<McpRecovery>;
}
