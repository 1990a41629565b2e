import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRunMcp } from "../../src/mcp/run-mcp";
import { createWorkspaceFiles } from "../../src/repos/workspace-files";

const log = pino({ level: "silent" });

describe("per-run MCP files", () => {
  let dir: string;
  let catalogPath: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "runner-mcp-"));
    catalogPath = join(dir, "catalogue.json");
    writeFileSync(
      catalogPath,
      JSON.stringify({
        mcpServers: {
          "jira-api-mcp-wrapper": { command: "node", args: ["jira.cjs"], env: { JIRA_API_TOKEN: "${JIRA_API_TOKEN}" } },
          gmail: { command: "mcp-server-gmail", args: [] },
        },
      }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const workspace = (name: string, git = false) => {
    const path = join(dir, name);
    mkdirSync(path);
    if (git) execFileSync("git", ["init", "-q", path]);
    return path;
  };
  const mcpFor = (env: Record<string, string> = {}, gmailMcp = false) =>
    createRunMcp({
      files: createWorkspaceFiles({ catalogPath }),
      features: { gmailMcp, atlassianMcp: false },
      env,
      log,
    });
  const read = (path: string) => JSON.parse(readFileSync(join(path, ".cursor", "mcp.json"), "utf8"));

  it("writes the selection with ${VAR} resolved (0600, git-excluded) and removes it on release", async () => {
    const repo = workspace("repo", true);
    const lease = await mcpFor({ JIRA_API_TOKEN: "t0ken" }).acquire({
      id: "r1",
      cwd: repo,
      prompt: "List jira tickets",
      mcpServers: null,
    });
    expect(lease.servers).toEqual(["jira-api-mcp-wrapper"]);
    expect(read(repo)).toEqual({
      mcpServers: { "jira-api-mcp-wrapper": { command: "node", args: ["jira.cjs"], env: { JIRA_API_TOKEN: "t0ken" } } },
    });
    expect(statSync(join(repo, ".cursor", "mcp.json")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(repo, ".git", "info", "exclude"), "utf8")).toContain("/.cursor/mcp.json");
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: repo, encoding: "utf8" })).toBe("");
    await lease.release();
    expect(existsSync(join(repo, ".cursor", "mcp.json"))).toBe(false);
  });

  it("writes an empty set for an unrelated prompt, and honours the Gmail flag", async () => {
    const repo = workspace("plain");
    const none = await mcpFor().acquire({ id: "r1", cwd: repo, prompt: "Send an email to the team", mcpServers: null });
    expect(none.servers).toEqual([]);
    expect(read(repo)).toEqual({ mcpServers: {} });
    await none.release();
    const withGmail = await mcpFor({}, true).acquire({
      id: "r2",
      cwd: repo,
      prompt: "Send an email to the team",
      mcpServers: null,
    });
    expect(withGmail.servers).toEqual(["gmail"]);
    await withGmail.release();
  });

  it("restores a file that was there before, and never touches a tracked one", async () => {
    const repo = workspace("own", true);
    mkdirSync(join(repo, ".cursor"));
    writeFileSync(join(repo, ".cursor", "mcp.json"), '{"mine":true}');
    const mcp = mcpFor();
    const lease = await mcp.acquire({ id: "r1", cwd: repo, prompt: "jira", mcpServers: null });
    expect(read(repo).mcpServers).toHaveProperty("jira-api-mcp-wrapper");
    await lease.release();
    expect(readFileSync(join(repo, ".cursor", "mcp.json"), "utf8")).toBe('{"mine":true}');

    execFileSync("git", ["add", "-f", ".cursor/mcp.json"], { cwd: repo });
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "own mcp"], { cwd: repo });
    const tracked = await mcp.acquire({ id: "r2", cwd: repo, prompt: "jira", mcpServers: null });
    expect(tracked.servers).toEqual([]);
    expect(readFileSync(join(repo, ".cursor", "mcp.json"), "utf8")).toBe('{"mine":true}');
    await tracked.release();
    expect(readFileSync(join(repo, ".cursor", "mcp.json"), "utf8")).toBe('{"mine":true}');
  });

  it("shares a workspace between runs with the same selection and refuses a different one (409)", async () => {
    const repo = workspace("shared");
    const mcp = mcpFor();
    const a = await mcp.acquire({ id: "a", cwd: repo, prompt: "jira board", mcpServers: null });
    const b = await mcp.acquire({ id: "b", cwd: repo, prompt: "x", mcpServers: ["jira-api-mcp-wrapper"] });
    await expect(mcp.acquire({ id: "c", cwd: repo, prompt: "refactor", mcpServers: null })).rejects.toMatchObject({
      status: 409,
    });
    await a.release();
    expect(existsSync(join(repo, ".cursor", "mcp.json"))).toBe(true);
    await b.release();
    expect(existsSync(join(repo, ".cursor", "mcp.json"))).toBe(false);
    const c = await mcp.acquire({ id: "c", cwd: repo, prompt: "refactor", mcpServers: null });
    expect(c.servers).toEqual([]);
    await c.release();
  });

  it("goes ahead without servers when the catalogue is unreadable", async () => {
    writeFileSync(catalogPath, "{ not json");
    const repo = workspace("broken");
    const lease = await mcpFor().acquire({ id: "r", cwd: repo, prompt: "jira", mcpServers: null });
    expect(lease.servers).toEqual([]);
    expect(read(repo)).toEqual({ mcpServers: {} });
    await lease.release();
  });
});
