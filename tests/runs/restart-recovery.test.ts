import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { getRun } from "../support/limit-checks";
import { FAKE_AGENT, postJson, readPidFile, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";
import { type SqldServer, startSqld } from "../support/sqld";

/**
 * Issue 16 item 4: a runner SIGKILLed and restarted on the same database closes its own previous
 * runs at once — not after RUN_STALE_AFTER_MS (ten minutes here, so the stale sweep cannot be what
 * closed them) — while another live instance's runs, and runs of an instance on another host,
 * are left to their heartbeats.
 */
describe("restart recovery knows the runner's own previous runs", () => {
  let dir: string;
  let sqld: SqldServer;
  let db: Client;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-restart-"));
    for (const name of ["a", "b"]) mkdirSync(join(dir, "repos", name), { recursive: true });
    sqld = await startSqld();
    db = createClient({ url: sqld.url });
    env = {
      DATABASE_URL: sqld.url,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      RUN_HEARTBEAT_MS: "200",
      RUN_STALE_AFTER_MS: "600000",
      LOG_LEVEL: "warn",
    };
  });
  afterAll(async () => {
    for (const server of servers) server.child.kill("SIGKILL");
    await Promise.all(servers.map((server) => server.exited));
    db?.close();
    await sqld?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    const server = await startServerProcess(env);
    servers.push(server);
    return server;
  };
  /** An async run in repository `repo` whose agent starts a grandchild and then waits a minute. */
  const longRun = async (server: ServerProcess, repo: string) => {
    const ack = await postJson(`${server.url}/cursor/execute/async`, { prompt: "GRANDCHILD\nSLEEP 60000", repository: repo });
    const grandchild = await readPidFile(join(dir, "repos", repo, "grandchild.pid"));
    const run = await waitFor(async () => {
      const current = await getRun(server, ack.body.runId);
      return current.status === "running" && current;
    });
    return { id: String(ack.body.runId), pid: Number(run.pid), grandchild };
  };

  it("fails the killed runner's run as soon as it is back, ends its agent, and leaves the others alone", async () => {
    const first = await start();
    const other = await start();
    const mine = await longRun(first, "a");
    const theirs = await longRun(other, "b");

    // A run owned by an instance on another machine: nothing here can tell whether it still runs.
    const now = new Date().toISOString();
    await db.execute({
      sql: `INSERT INTO instances (id, host, boot_id, pid, process_start, started_at, heartbeat_at)
            VALUES ('elsewhere', 'another-host', 'x', 1, '1', ?, ?)`,
      args: [now, now],
    });
    await db.execute({
      sql: `INSERT INTO runs (id, request_id, agent, mode, cwd, prompt, status, owner, heartbeat_at, created_at, updated_at)
            VALUES ('00000000-0000-4000-8000-00000000e15e', 'req-elsewhere', 'cursor', 'async', '/tmp', 'x', 'running', 'elsewhere', ?, ?, ?)`,
      args: [now, now, now],
    });

    first.child.kill("SIGKILL");
    await first.exited;
    expect(isProcessAlive(mine.pid)).toBe(true); // its agent outlived it…

    const restarted = await start();
    // Closed during start-up, before the restarted runner answered its first request.
    expect(await getRun(restarted, mine.id)).toMatchObject({
      status: "failed",
      reason: "interrupted",
      error: "interrupted by restart",
    });
    // …but not the restart.
    await waitFor(() => !isProcessAlive(mine.pid) && !isProcessAlive(mine.grandchild));

    expect(await getRun(restarted, theirs.id)).toMatchObject({ status: "running" });
    expect(isProcessAlive(theirs.pid)).toBe(true);
    expect(await getRun(restarted, "00000000-0000-4000-8000-00000000e15e")).toMatchObject({ status: "running" });

    const instances = await db.execute("SELECT id, stopped_at FROM instances ORDER BY started_at");
    expect(instances.rows.filter((row) => row.stopped_at !== null)).toHaveLength(1);

    // A clean stop is recorded too, so the next start has nothing to look at.
    await other.stop();
    expect(await getRun(restarted, theirs.id)).toMatchObject({ status: "failed", error: "interrupted by shutdown" });
    const stopped = await db.execute("SELECT COUNT(*) AS n FROM instances WHERE stopped_at IS NOT NULL");
    expect(Number(stopped.rows[0]?.n)).toBe(2);
  }, 60_000);
});
