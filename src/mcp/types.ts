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
}

export interface McpWriteResult {
  /** False when the repository tracks its own `.cursor/mcp.json` (left untouched). */
  written: boolean;
  reason?: string;
  /** What an untracked file held before (restored by `remove`). */
  previous?: string;
}

/** File access the MCP module needs (Node: src/repos/workspace-mcp.ts). */
export interface McpFiles {
  /** The raw JSON of the catalogue (MCP_CONFIG_PATH, else the bundled config/mcp.json). */
  readCatalogue(): Promise<unknown>;
  /** Writes `<dir>/.cursor/mcp.json` (mode 0600) and lists it in .git/info/exclude. */
  write(dir: string, config: { mcpServers: McpServers }): Promise<McpWriteResult>;
  /** Removes the file `write` created, or puts `previous` back. */
  remove(dir: string, previous?: string): Promise<void>;
}
