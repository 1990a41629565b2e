import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyFeatureFlags, parseCatalogue } from "../../src/mcp/catalogue";
import { validateGmailConfig } from "../../src/mcp/gmail";
import { selectByKeywords } from "../../src/mcp/keywords";
import { missingVariables, resolvePlaceholders } from "../../src/mcp/placeholders";

const bundled = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "config", "mcp.json"), "utf8"));
const ALL = Object.keys(bundled.mcpServers);

describe("bundled config/mcp.json (§10.9.1)", () => {
  it("is a valid catalogue with the five servers", () => {
    expect(Object.keys(parseCatalogue(bundled))).toEqual([
      "cursor-runner-shared-sqlite",
      "cursor-runner-shared-redis",
      "gmail",
      "atlassian",
      "jira-api-mcp-wrapper",
    ]);
  });

  it("has a gmail entry with its binary, array args and the required variables as placeholders", () => {
    const gmail = bundled.mcpServers.gmail;
    expect(gmail.command).toBe("mcp-server-gmail");
    expect(Array.isArray(gmail.args)).toBe(true);
    for (const key of ["GMAIL_CLIENT_ID", "GMAIL_CLIENT_SECRET", "GMAIL_REFRESH_TOKEN"])
      expect(gmail.env[key]).toBe(`\${${key}}`);
  });

  it("runs redis through its binary (not npx) with --url", () => {
    const redis = bundled.mcpServers["cursor-runner-shared-redis"];
    expect(redis.command).toBe("mcp-server-redis");
    expect(redis.args).toContain("--url");
  });

  it("refuses a malformed catalogue with the field at fault", () => {
    expect(() => parseCatalogue({ mcpServers: { x: { args: "nope" } } })).toThrow(/mcpServers\.x\.args/);
    expect(() => parseCatalogue([])).toThrow(/Invalid MCP catalogue/);
  });
});

describe("keyword selection (§10.9.2 without the substring pitfalls)", () => {
  const cases: [string, string[]][] = [
    ["Read my inbox and reply to the latest email", ["gmail"]],
    ["Create a Jira ticket for the login bug", ["jira-api-mcp-wrapper"]],
    ["Look at WOR-123 and fix it", ["jira-api-mcp-wrapper"]],
    ["Update the Confluence page about deployments", ["atlassian"]],
    ["Clear conversation keys in redis", ["cursor-runner-shared-redis"]],
    ["Show the system settings and agent tasks", ["cursor-runner-shared-sqlite"]],
    ["Run SELECT id FROM tasks in sqlite", ["cursor-runner-shared-sqlite"]],
    // Pitfalls of the original's substring matching: none of these need a server.
    ["Continue the conversation about the parser", []],
    ["Fix the bug in the page layout and update the cache", []],
    ["Refactor the thread pool; see the story in the README", []],
    ["Add a database migration for the users table", []],
    ["Switch to SHA-256 and the COVID-19 data set", []],
    ["Write a haiku about autumn", []],
    ["Detail the mailing list handling", []],
  ];
  it.each(cases)("%s → %j", (prompt, expected) => {
    expect(selectByKeywords(prompt, ALL)).toEqual(expected);
  });
});

describe("feature flags (§10.10) and placeholders", () => {
  const servers = parseCatalogue({
    mcpServers: { gmail: {}, "Gmail-MCP-Server": {}, atlassian: {}, "Atlassian-MCP-Server": {}, other: {} },
  });

  it("drops Gmail and Atlassian (under any alias) unless enabled", () => {
    expect(Object.keys(applyFeatureFlags(servers, { gmailMcp: false, atlassianMcp: false }))).toEqual(["other"]);
    expect(Object.keys(applyFeatureFlags(servers, { gmailMcp: true, atlassianMcp: false }))).toEqual([
      "gmail",
      "Gmail-MCP-Server",
      "other",
    ]);
  });

  it("resolves ${VAR} from the environment at run time and keeps unset ones visible", () => {
    const resolved = resolvePlaceholders(bundled.mcpServers["jira-api-mcp-wrapper"], {
      JIRA_BASE_URL: "https://jira.example",
      JIRA_EMAIL: "",
    });
    expect(resolved.env).toEqual({
      JIRA_BASE_URL: "https://jira.example",
      JIRA_EMAIL: "${JIRA_EMAIL}",
      JIRA_API_TOKEN: "${JIRA_API_TOKEN}",
    });
    expect(missingVariables(resolved)).toEqual(["JIRA_EMAIL", "JIRA_API_TOKEN"]);
  });

  it("validates the Gmail settings in order", () => {
    expect(validateGmailConfig({ GMAIL_CLIENT_ID: "id" })).toEqual({
      valid: false,
      missing: ["GMAIL_CLIENT_SECRET", "GMAIL_REFRESH_TOKEN"],
    });
    expect(validateGmailConfig({ GMAIL_CLIENT_ID: "a", GMAIL_CLIENT_SECRET: "b", GMAIL_REFRESH_TOKEN: "c" }).valid).toBe(true);
  });
});
