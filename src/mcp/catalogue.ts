import { z } from "zod";
import type { McpServers } from "./types";

const ServerSchema = z
  .object({
    command: z.string().optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    url: z.string().optional(),
  })
  .passthrough();

const CatalogueSchema = z.object({ mcpServers: z.record(z.string(), ServerSchema) });

/**
 * Validates a catalogue file's JSON (`{ mcpServers: { name: { command, args, env } } }`);
 * throws an Error naming the first problem.
 *
 * @example
 * const servers = parseCatalogue(JSON.parse(readFileSync("config/mcp.json", "utf8")));
 */
export function parseCatalogue(json: unknown): McpServers {
  const parsed = CatalogueSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid MCP catalogue: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? "is invalid"}`);
  }
  return parsed.data.mcpServers as McpServers;
}

/** §5.2's aliases: the names a server may have in an operator's own catalogue. */
export const MCP_ALIASES: Record<string, readonly string[]> = {
  gmail: ["gmail", "Gmail-MCP-Server", "gmail-mcp"],
  atlassian: ["atlassian", "Atlassian-MCP-Server"],
};

export interface McpFeatures {
  /** ENABLE_GMAIL_MCP. */
  gmailMcp: boolean;
  /** ENABLE_ATLASSIAN_MCP. */
  atlassianMcp: boolean;
}

/**
 * §10.10 / §10.9.3: Gmail and Atlassian servers (under any alias) exist only when their flag is on.
 *
 * @example
 * applyFeatureFlags(servers, { gmailMcp: false, atlassianMcp: true }); // no gmail entries
 */
export function applyFeatureFlags(servers: McpServers, features: McpFeatures): McpServers {
  const dropped = new Set<string>([
    ...(features.gmailMcp ? [] : (MCP_ALIASES.gmail ?? [])),
    ...(features.atlassianMcp ? [] : (MCP_ALIASES.atlassian ?? [])),
  ]);
  return Object.fromEntries(Object.entries(servers).filter(([name]) => !dropped.has(name)));
}

/** The canonical name a catalogue entry answers to for selection (`Gmail-MCP-Server` → `gmail`). */
export function canonicalName(name: string): string {
  for (const [canonical, aliases] of Object.entries(MCP_ALIASES)) if (aliases.includes(name)) return canonical;
  return name;
}
