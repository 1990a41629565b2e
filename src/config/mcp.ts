import { type BuildContext, type EnvValues, flag, joinPath, text, url } from "./parse";

/** MCP catalogue and selection (§10.9): the catalogue file, OpenAI-based selection, optional servers. */
export const mcpEnv = {
  MCP_CONFIG_PATH: text(),
  OPENAI_BASE_URL: url(),
  OPENAI_API_KEY: text(),
  ENABLE_GMAIL_MCP: flag(),
  ENABLE_ATLASSIAN_MCP: flag(),
};

export function mcpConfig(e: EnvValues<typeof mcpEnv>, { cwd }: BuildContext) {
  return {
    openaiApiKey: e.OPENAI_API_KEY,
    features: { gmailMcp: e.ENABLE_GMAIL_MCP, atlassianMcp: e.ENABLE_ATLASSIAN_MCP },
    /** MCP_CONFIG_PATH, else the bundled config/mcp.json. */
    mcp: { configPath: e.MCP_CONFIG_PATH ? joinPath(cwd, e.MCP_CONFIG_PATH) : undefined },
    openaiBaseUrl: (e.OPENAI_BASE_URL ?? "https://api.openai.com/v1").replace(/\/+$/, ""),
  };
}
