import type { StreamParser } from "./events";

export const AGENT_NAMES = ["cursor", "claude", "codex", "gemini", "opencode"] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export interface AgentRunInput {
  prompt: string;
  /** The agent's own session/thread id from an earlier run in the same conversation. */
  resumeSessionId?: string;
  model?: string;
  /** At least one MCP server is configured for this run (cursor: `--approve-mcps`, spec §4.4). */
  approveMcps?: boolean;
  /**
   * The run must not change the workspace (a reviewer judging it). Enforced where the CLI has a
   * switch for it: cursor drops `--force`, claude gets read-only tools, codex a read-only sandbox;
   * gemini and opencode have no such switch known to work headlessly and run as usual.
   */
  readOnly?: boolean;
}

/**
 * What the run service needs to drive one agent CLI: how to call it, how to read its stdout, and
 * how to recognise a setup problem (missing credentials) in its stderr.
 */
export interface AgentAdapter {
  name: AgentName;
  /** Executable to spawn (a PATH name or an absolute path). */
  command: string;
  args(input: AgentRunInput): string[];
  /** Extra environment for the child, merged over the runner's (already scrubbed) environment. */
  env?(): Record<string, string>;
  /** A fresh stdout parser for one run. */
  parser(): StreamParser;
  /** A clear setup error when stderr shows the CLI is not configured (e.g. not authenticated). */
  setupError(stderr: string): string | undefined;
}
