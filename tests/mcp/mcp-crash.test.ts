import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getRun } from "../support/limit-checks";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";

/**
 * Issue 17 item 7: a runner SIGKILLed mid-run leaves the run's `.cursor/mcp.json` behind; the
 * restarted runner's start-up recovery removes it (or puts back the file it replaced) — and leaves
 * a repository's own tracked file exactly as it was.
 */
describe("per-run MCP files left by a killed runner", () => {
  let dir: string;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];
  const repo = (name: string) => join(dir, "repos", name);
  const mcpFile = (name: string) => join(repo(name), ".cursor", "mcp.json");
  const git = (name: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo(name), encoding: "utf8" });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "runner-mcp-crash-"));
    for (const name of ["ours", "prior", "tracked", "sibling", "busy"]) {
      mkdirSync(repo(name), { recursive: true });
      git(name, "init", "-q");
    }
    // An untracked file of the user's own, which the run's file replaces for the run.
    mkdirSync(join(repo("prior"), ".cursor"));
    writeFileSync(mcpFile("prior"), '{"mcpServers":{"mine":{"command":"my-server"}}}\n');
    // A file the repository tracks: never ours to write, so never ours to remove.
    mkdirSync(join(repo("tracked"), ".cursor"));
    writeFileSync(mcpFile("tracked"), '{"mcpServers":{"team":{"command":"team-server"}}}\n');
    git("tracked", "add", ".cursor/mcp.json");
    git("tracked", "commit", "-qm", "team MCP config");
    env = {
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      CURSOR_CLI_MAX_CONCURRENT: "3",
      RUN_HEARTBEAT_MS: "200",
      RUN_STALE_AFTER_MS: "600000", // recovery of dead instances, not the stale sweep, must be what cleans up
      LOG_LEVEL: "warn",
    };
  });
  afterAll(async () => {
    for (const server of servers) server.child.kill("SIGKILL");
    await Promise.all(servers.map((server) => server.exited));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    const server = await startServerProcess(env);
    servers.push(server);
    return server;
  };

  it("removes the file at start-up recovery, restores the one it replaced, and leaves a tracked one alone", async () => {
    const first = await start();
    // "jira" selects the Jira MCP server by keyword; each agent then waits a minute.
    const runs = await Promise.all(
      ["ours", "prior", "tracked"].map(async (name) => {
        const ack = await postJson(`${first.url}/cursor/execute/async`, {
          repository: name,
          prompt: "SAY checking the jira board\nRUN touch started\nSLEEP 60000",
        });
        expect(ack.status).toBe(200);
        return String(ack.body.runId);
      }),
    );
    await waitFor(() => ["ours", "prior", "tracked"].every((name) => existsSync(join(repo(name), "started"))));
    for (const name of ["ours", "prior"]) {
      expect(Object.keys(JSON.parse(readFileSync(mcpFile(name), "utf8")).mcpServers)).toEqual(["jira-api-mcp-wrapper"]);
    }

    first.child.kill("SIGKILL");
    await first.exited;
    // The crash left the runs' files behind.
    expect(JSON.parse(readFileSync(mcpFile("ours"), "utf8")).mcpServers).toHaveProperty("jira-api-mcp-wrapper");
    expect(JSON.parse(readFileSync(mcpFile("prior"), "utf8")).mcpServers).toHaveProperty("jira-api-mcp-wrapper");

    const restarted = await start();
    // Cleaned during start-up, before the restarted runner answered its first request.
    expect(existsSync(mcpFile("ours"))).toBe(false);
    expect(readFileSync(mcpFile("prior"), "utf8")).toBe('{"mcpServers":{"mine":{"command":"my-server"}}}\n');
    expect(readFileSync(mcpFile("tracked"), "utf8")).toBe('{"mcpServers":{"team":{"command":"team-server"}}}\n');
    for (const name of ["ours", "prior", "tracked"]) {
      expect(existsSync(join(repo(name), ".cursor", "mcp.json.cursor-runner"))).toBe(false);
    }
    expect(git("tracked", "status", "--porcelain", ".cursor")).toBe("");
    for (const id of runs) {
      expect(await getRun(restarted, id)).toMatchObject({ status: "failed", error: "interrupted by restart" });
    }

    // The workspace is usable as before: a new run gets its file and it goes when the run ends.
    const next = await postJson(`${restarted.url}/cursor/execute`, {
      repository: "ours",
      prompt: "SAY the jira board again\nRUN cat .cursor/mcp.json > seen.json",
    });
    expect(next.body).toMatchObject({ agentSucceeded: true });
    expect(Object.keys(JSON.parse(readFileSync(join(repo("ours"), "seen.json"), "utf8")).mcpServers)).toEqual([
      "jira-api-mcp-wrapper",
    ]);
    expect(existsSync(mcpFile("ours"))).toBe(false);
    await restarted.stop();
  }, 90_000);

  it("removes a killed sibling's file when a live instance closes its runs, keeping the live instance's own", async () => {
    const live = await start();
    const doomed = await start();
    const busy = await postJson(`${live.url}/cursor/execute/async`, {
      repository: "busy",
      prompt: "SAY the jira board\nRUN touch started\nSLEEP 60000",
    });
    const sibling = await postJson(`${doomed.url}/cursor/execute/async`, {
      repository: "sibling",
      prompt: "SAY the jira board\nRUN touch started\nSLEEP 60000",
    });
    await waitFor(() => ["busy", "sibling"].every((name) => existsSync(join(repo(name), "started"))));

    doomed.child.kill("SIGKILL");
    await doomed.exited;
    // The live instance's maintenance finds the dead sibling's run (same host, process gone) and closes it.
    await waitFor(async () => (await getRun(live, String(sibling.body.runId))).status === "failed");
    await waitFor(() => !existsSync(mcpFile("sibling")));
    expect(existsSync(join(repo("sibling"), ".cursor", "mcp.json.cursor-runner"))).toBe(false);
    // Its own live run's file is untouched.
    expect(await getRun(live, String(busy.body.runId))).toMatchObject({ status: "running" });
    expect(Object.keys(JSON.parse(readFileSync(mcpFile("busy"), "utf8")).mcpServers)).toEqual(["jira-api-mcp-wrapper"]);

    await fetch(`${live.url}/runs/${busy.body.runId}/cancel`, { method: "POST" });
    await waitFor(() => !existsSync(mcpFile("busy")));
  }, 90_000);
});
