import type { McpServerConfig } from "./types";

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${VAR}` in a server's command, args, env and url with the runner's environment at run
 * time (§10.9.3). An unset or empty variable keeps its placeholder, as the merge script did, so a
 * missing secret is visible rather than silently empty.
 *
 * @example
 * resolvePlaceholders({ command: "x", env: { TOKEN: "${JIRA_API_TOKEN}" } }, { JIRA_API_TOKEN: "t" });
 * // { command: "x", env: { TOKEN: "t" } }
 */
export function resolvePlaceholders(server: McpServerConfig, env: Record<string, string | undefined>): McpServerConfig {
  const fill = (text: string) => text.replace(PLACEHOLDER, (whole, name: string) => env[name] || whole);
  return {
    ...server,
    ...(server.command !== undefined ? { command: fill(server.command) } : {}),
    ...(server.url !== undefined ? { url: fill(server.url) } : {}),
    ...(server.args ? { args: server.args.map(fill) } : {}),
    ...(server.env ? { env: Object.fromEntries(Object.entries(server.env).map(([key, value]) => [key, fill(value)])) } : {}),
  };
}

/** Variables a server still lacks after resolution (for a warning; values are never logged). */
export function missingVariables(server: McpServerConfig): string[] {
  const text = JSON.stringify(server);
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}
