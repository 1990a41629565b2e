import type { Config } from "../config";
import type { Logger } from "../log";
import { validateGmailConfig } from "./gmail";
import { createOpenAiSelector } from "./openai";
import { createRunMcp } from "./run-mcp";
import type { McpFiles, RunMcp } from "./types";

export type { McpFiles, McpLease, McpSelection, RunMcp } from "./types";

/**
 * Per-run MCP from configuration: feature flags, `${VAR}` from the runner's environment, OpenAI
 * selection when OPENAI_API_KEY is set. Logs §10.10's Gmail check once.
 *
 * @example
 * const mcp = mcpFromConfig(config, createWorkspaceFiles({ catalogPath: config.mcp.configPath }), process.env, log);
 */
export function mcpFromConfig(config: Config, files: McpFiles, env: Record<string, string | undefined>, log: Logger): RunMcp {
  if (!config.features.gmailMcp) log.debug("Gmail MCP is disabled (ENABLE_GMAIL_MCP)");
  else {
    const gmail = validateGmailConfig(env);
    if (gmail.valid) log.info("Gmail MCP configuration is complete");
    else log.warn({ missing: gmail.missing }, "Gmail MCP is enabled but configuration is incomplete");
  }
  const model = config.openaiApiKey
    ? createOpenAiSelector({ apiKey: config.openaiApiKey, baseUrl: config.openaiBaseUrl })
    : undefined;
  return createRunMcp({ files, features: config.features, env, log, model });
}
