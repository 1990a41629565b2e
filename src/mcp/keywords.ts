/**
 * §10.9.2's keyword selection, without its substring pitfalls (§12 item 31): whole words and
 * phrases only, and no generic words that would start heavy servers for ordinary coding prompts
 * ("update", "issue", "bug", "story", "page", "space", "thread", "cache", "reply", "database").
 * "conversation" alone selects nothing; an unrelated prompt selects nothing.
 */

export interface McpRule {
  description: string;
  patterns: RegExp[];
}

const words = (...phrases: string[]) =>
  phrases.map((phrase) => new RegExp(`(?<![\\w-])${phrase.replace(/ /g, "[\\s_-]+")}(?![\\w-])`, "i"));

/** Descriptions (for model-based selection) and patterns, in §10.9.2's catalogue order. */
export const MCP_RULES: Record<string, McpRule> = {
  "cursor-runner-shared-sqlite": {
    description: "The runner's shared SQLite database: system settings and the agent tasks table.",
    patterns: [
      ...words("system settings?", "system_settings table", "agent tasks?", "tasks table", "sqlite"),
      /\binsert\s+into\b/i,
      /\bselect\b[\s\S]{1,200}?\bfrom\s+\w/i,
      /\bupdate\s+\w+\s+set\b/i,
    ],
  },
  "cursor-runner-shared-redis": {
    description: "The runner's Redis: conversation history keys and cached values.",
    patterns: [...words("redis", "clear conversations?", "key-value"), /cursor:conversation:/i, /cursor:last_conversation_id/i],
  },
  gmail: {
    description: "Gmail: read, search and send email.",
    patterns: words("gmail", "emails?", "e-mails?", "inbox", "mailbox", "send (an |the )?email", "read (my |the )?emails?"),
  },
  "jira-api-mcp-wrapper": {
    description: "Jira: issues, tickets, epics, user stories and JQL queries.",
    patterns: [
      ...words("jira", "jql", "epics?", "subtasks?", "user stor(y|ies)", "(create|update) (an? |the )?(issue|ticket)"),
      // The original's "wor-" (the team's issue keys, WOR-123). Generic KEY-123 patterns are not
      // used: SHA-256, UTF-8 and COVID-19 look the same.
      /(?<![\w-])wor-\d+/i,
    ],
  },
  atlassian: {
    description: "Atlassian Confluence: spaces, pages and live docs (CQL).",
    patterns: words("atlassian", "confluence", "cql", "live docs?"),
  },
};

/**
 * Catalogue entries the prompt's words call for, in catalogue order (context is ignored, as in
 * the original). `names` are the canonical names available after feature flags.
 *
 * @example
 * selectByKeywords("List the open Jira tickets", ["jira-api-mcp-wrapper", "gmail"]); // ["jira-api-mcp-wrapper"]
 * selectByKeywords("Refactor the parser", ["jira-api-mcp-wrapper", "gmail"]); // []
 */
export function selectByKeywords(prompt: string, names: readonly string[]): string[] {
  return names.filter((name) => {
    const rule = MCP_RULES[name];
    // A server we have no rule for is selected when the prompt names it.
    const patterns = rule?.patterns ?? words(name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return patterns.some((pattern) => pattern.test(prompt));
  });
}
