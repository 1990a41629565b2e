import type { Config } from "../config";
import { HttpError } from "../http/errors";
import { AGENT_NAMES, type AgentAdapter, type AgentName } from "./adapter";
import { createClaudeAdapter } from "./claude";
import { createCodexAdapter } from "./codex";
import { createCursorAdapter } from "./cursor";
import { createGeminiAdapter } from "./gemini";
import { createOpencodeAdapter } from "./opencode";

/**
 * Builds the adapter for each agent from configuration.
 *
 * @example
 * const agent = agentRegistry(config);
 * const claude = agent("claude");
 */
export function agentRegistry(config: Config): (name: AgentName) => AgentAdapter {
  const outputFormat = config.cursor.outputFormat;
  const adapters: Record<AgentName, AgentAdapter> = {
    cursor: createCursorAdapter({ command: config.cursor.cliPath, outputFormat }),
    claude: createClaudeAdapter({
      command: config.agents.claude.cliPath,
      ...(config.agents.claude.allowedTools.length > 0 ? { allowedTools: config.agents.claude.allowedTools } : {}),
    }),
    codex: createCodexAdapter({ command: config.agents.codex.cliPath, sandbox: config.agents.codex.sandbox }),
    gemini: createGeminiAdapter({ command: config.agents.gemini.cliPath }),
    opencode: createOpencodeAdapter({ command: config.agents.opencode.cliPath }),
  };
  return (name) => {
    const adapter = adapters[name];
    if (!adapter) throw new HttpError(400, `agent must be one of: ${AGENT_NAMES.join(", ")}`);
    return adapter;
  };
}
