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

  describe("after a crash (a process that never released its leases)", () => {
    const file = (path: string) => join(path, ".cursor", "mcp.json");
    const record = (path: string) => join(path, ".cursor", "mcp.json.cursor-runner");
    const gitStatus = (path: string) => execFileSync("git", ["status", "--porcelain"], { cwd: path, encoding: "utf8" });

    it("removes the file an interrupted run left, or puts back the file it replaced", async () => {
      const crashed = mcpFor();
      const bare = workspace("bare", true);
      const prior = workspace("prior", true);
      mkdirSync(join(prior, ".cursor"));
      writeFileSync(file(prior), '{"mine":true}');
      await crashed.acquire({ id: "r-bare", cwd: bare, prompt: "jira", mcpServers: null });
      await crashed.acquire({ id: "r-prior", cwd: prior, prompt: "jira", mcpServers: null });
      expect(read(bare).mcpServers).toHaveProperty("jira-api-mcp-wrapper");
      expect(read(prior).mcpServers).toHaveProperty("jira-api-mcp-wrapper");
      // Our record beside it: private and kept out of commits like the file.
      expect(statSync(record(bare)).mode & 0o777).toBe(0o600);
      expect(gitStatus(bare)).toBe("");

      // The next process knows nothing of those leases.
      await mcpFor().recover([
        { id: "r-bare", cwd: bare },
        { id: "r-prior", cwd: prior },
      ]);
      expect(existsSync(file(bare))).toBe(false);
      expect(readFileSync(file(prior), "utf8")).toBe('{"mine":true}');
      for (const path of [bare, prior]) expect(existsSync(record(path))).toBe(false);
    });

    it("leaves a tracked file, a file changed since, and another run's file alone", async () => {
      const crashed = mcpFor();
      const tracked = workspace("tracked", true);
      mkdirSync(join(tracked, ".cursor"));
      writeFileSync(file(tracked), '{"team":true}');
      execFileSync("git", ["add", "-f", ".cursor/mcp.json"], { cwd: tracked });
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "team mcp"], { cwd: tracked });
      const changed = workspace("changed");
      const other = workspace("other");
      await crashed.acquire({ id: "r-tracked", cwd: tracked, prompt: "jira", mcpServers: null });
      await crashed.acquire({ id: "r-changed", cwd: changed, prompt: "jira", mcpServers: null });
      await crashed.acquire({ id: "r-other", cwd: other, prompt: "jira", mcpServers: null });
      writeFileSync(file(changed), '{"edited":"by the user"}');

      await mcpFor().recover([
        { id: "r-tracked", cwd: tracked },
        { id: "r-changed", cwd: changed },
        { id: "r-interrupted", cwd: other }, // not the run that wrote this file
      ]);
      expect(readFileSync(file(tracked), "utf8")).toBe('{"team":true}');
      expect(gitStatus(tracked)).toBe("");
      expect(readFileSync(file(changed), "utf8")).toBe('{"edited":"by the user"}');
      expect(existsSync(record(changed))).toBe(false); // no longer describes the file
      expect(read(other).mcpServers).toHaveProperty("jira-api-mcp-wrapper");
      expect(existsSync(record(other))).toBe(true);
    });

    it("finds a run that only shared the file, once the run that wrote it has ended", async () => {
      const crashed = mcpFor();
      const repo = workspace("shared-crash");
      const first = await crashed.acquire({ id: "r-first", cwd: repo, prompt: "jira", mcpServers: null });
      await crashed.acquire({ id: "r-second", cwd: repo, prompt: "jira board", mcpServers: null });
      await first.release(); // the file stays for r-second, which the crash then interrupts
      expect(existsSync(file(repo))).toBe(true);
      await mcpFor().recover([{ id: "r-second", cwd: repo }]);
      expect(existsSync(file(repo))).toBe(false);
    });

    it("never touches a workspace a live run of this process holds, and undoes a stale file when that run ends", async () => {
      const repo = workspace("busy");
      mkdirSync(join(repo, ".cursor"));
      writeFileSync(file(repo), '{"mine":true}');
      await mcpFor().acquire({ id: "r-dead", cwd: repo, prompt: "jira", mcpServers: null }); // then the crash

      const restarted = mcpFor();
      const live = await restarted.acquire({ id: "r-live", cwd: repo, prompt: "send an email", mcpServers: null });
      expect(read(repo)).toEqual({ mcpServers: {} });
      await restarted.recover([{ id: "r-dead", cwd: repo }]);
      expect(read(repo)).toEqual({ mcpServers: {} }); // the live run's file
      await live.release();
      // What the dead run's file replaced comes back, not the dead run's file.
      expect(readFileSync(file(repo), "utf8")).toBe('{"mine":true}');
      expect(existsSync(record(repo))).toBe(false);
    });
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
