import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";

/** Waits (inside the agent) until the other run has started too, so both are live at once. */
const barrier = (other: string) =>
  `RUN touch started; for i in $(seq 1 600); do [ -f ../${other}/started ] && break; sleep 0.05; done`;

describe("per-run MCP configuration through the real server", () => {
  let dir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-mcp-http-"));
    for (const name of ["alpha", "beta", "gamma", "shared"]) mkdirSync(join(dir, "repos", name), { recursive: true });
    execFileSync("git", ["init", "-q", join(dir, "repos", "alpha")]);
    server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      CURSOR_CLI_MAX_CONCURRENT: "3",
      RUN_LINGER_MS: "300",
      JIRA_BASE_URL: "https://jira.example.test",
      JIRA_API_TOKEN: "jira-token",
      LOG_LEVEL: "warn",
    });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const seen = (repo: string, file = "seen.json") => JSON.parse(readFileSync(join(dir, "repos", repo, file), "utf8"));

  it("gives two concurrent runs in different workspaces only their own selection", async () => {
    const [alpha, beta] = await Promise.all([
      postJson(`${server.url}/cursor/execute`, {
        repository: "alpha",
        prompt: `SAY checking the jira board\n${barrier("beta")}\nRUN cat .cursor/mcp.json > seen.json`,
      }),
      postJson(`${server.url}/cursor/execute`, {
        repository: "beta",
        prompt: `SAY clearing redis keys\n${barrier("alpha")}\nRUN cat .cursor/mcp.json > seen.json`,
      }),
    ]);
    expect(alpha.body).toMatchObject({ agentSucceeded: true });
    expect(beta.body).toMatchObject({ agentSucceeded: true });

    // Each saw its own file while the other run was live, with ${VAR} resolved at run time.
    expect(seen("alpha")).toEqual({
      mcpServers: {
        "jira-api-mcp-wrapper": {
          command: "node",
          args: ["/app/target/jira-api-mcp-wrapper/dist/bundle.cjs"],
          env: { JIRA_BASE_URL: "https://jira.example.test", JIRA_EMAIL: "${JIRA_EMAIL}", JIRA_API_TOKEN: "jira-token" },
        },
      },
    });
    expect(Object.keys(seen("beta").mcpServers)).toEqual(["cursor-runner-shared-redis"]);
    for (const res of [alpha, beta]) expect(res.body.command).toContain("--approve-mcps");
    expect((await (await fetch(`${server.url}/runs/${alpha.body.runId}`)).json()).mcpServers).toEqual(["jira-api-mcp-wrapper"]);

    // Gone after the run; kept out of commits meanwhile.
    expect(existsSync(join(dir, "repos", "alpha", ".cursor", "mcp.json"))).toBe(false);
    expect(existsSync(join(dir, "repos", "beta", ".cursor", "mcp.json"))).toBe(false);
    expect(readFileSync(join(dir, "repos", "alpha", ".git", "info", "exclude"), "utf8")).toContain("/.cursor/mcp.json");
  });

  it("writes an empty set and no --approve-mcps for an unrelated prompt (Gmail is off by default)", async () => {
    const res = await postJson(`${server.url}/cursor/execute`, {
      repository: "gamma",
      prompt: "SAY send an email to the team\nRUN cat .cursor/mcp.json > seen.json",
    });
    expect(res.body.command).not.toContain("--approve-mcps");
    expect(seen("gamma")).toEqual({ mcpServers: {} });
  });

  it("refuses (409) a run whose selection differs from a live run's in the same workspace", async () => {
    const first = await postJson(`${server.url}/cursor/execute/async`, {
      repository: "shared",
      prompt: "SAY read the jira epic\nRUN touch started\nSLEEP 60000",
    });
    await waitFor(() => existsSync(join(dir, "repos", "shared", "started")));
    const second = await postJson(`${server.url}/cursor/execute`, { repository: "shared", prompt: "SAY inspect redis" });
    expect(second.status).toBe(409);
    expect(second.body.error).toContain("Another run in this workspace is using different MCP servers (jira-api-mcp-wrapper)");
    const same = await postJson(`${server.url}/cursor/execute`, {
      repository: "shared",
      prompt: "SAY another jira question\nRUN cat .cursor/mcp.json > seen.json",
    });
    expect(same.body.agentSucceeded).toBe(true);
    expect(Object.keys(seen("shared").mcpServers)).toEqual(["jira-api-mcp-wrapper"]);
    await fetch(`${server.url}/runs/${first.body.runId}/cancel`, { method: "POST" });
  });
});
