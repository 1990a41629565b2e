import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { LIMIT_ENV, limitChecks, makeRunnerDirs } from "../support/limit-checks";
import { postJson, readPidFile, type ServerProcess, startServerProcess } from "../support/server-process";
import { type SidecarProcess, startSidecarProcess } from "../support/sidecar-process";

const SECRET = "whsec-sidecar";

describe("the Node server with EXECUTOR=sidecar: limits and cancel through a real sidecar", () => {
  const { dir, repo, env } = makeRunnerDirs("runner-sidecar-");
  let sidecar: SidecarProcess;
  let server: ServerProcess;

  beforeAll(async () => {
    // The runner and the sidecar see the repositories at the same path (one volume in compose).
    sidecar = await startSidecarProcess(env.REPOSITORIES_PATH);
    server = await startServerProcess({
      ...env,
      ...LIMIT_ENV,
      WEBHOOK_SECRET: SECRET,
      EXECUTOR: "sidecar",
      SIDECAR_URL: sidecar.url,
      SIDECAR_TOKEN: sidecar.token,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await sidecar?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs agents on the sidecar, and reports the CLI as found there", async () => {
    const res = await postJson(`${server.url}/cursor/execute`, { prompt: "SAY via sidecar", repository: "demo" });
    expect(res.body).toMatchObject({ success: true, agentSucceeded: true, output: "via sidecar" });
    expect(await sidecar.pids()).toHaveLength(1);
    const queue = (await (await fetch(`${server.url}/health/queue`)).json()) as Record<string, any>;
    expect(queue.cli).toMatchObject({ available: true, command: LIMIT_ENV.CURSOR_CLI_PATH });
  });

  // Every process the sidecar ran (so far) must be dead after each check.
  limitChecks({ server: () => server, repo, agentPids: () => sidecar.pids() });

  it("cancels a running run and leaves no process of it alive", async () => {
    const ack = await postJson(
      `${server.url}/cursor/execute/async`,
      { prompt: "GRANDCHILD\nSLEEP 60000", repository: "demo" },
      { "X-Webhook-Secret": SECRET },
    );
    const grandchild = await readPidFile(join(repo, "grandchild.pid"));
    const cancelled = await (await fetch(`${server.url}/runs/${ack.body.runId}/cancel`, { method: "POST" })).json();
    expect(cancelled).toMatchObject({ status: "cancelled", reason: "cancelled" });
    expect(isProcessAlive(grandchild)).toBe(false);
    for (const pid of await sidecar.pids()) expect(isProcessAlive(pid)).toBe(false);
    expect((await fetch(`${server.url}/runs/${ack.body.runId}/cancel`, { method: "POST" })).status).toBe(409);
  });
});

describe("the Node server's sidecar configuration", () => {
  it("refuses to start with EXECUTOR=sidecar but no SIDECAR_TOKEN, saying so", async () => {
    const { dir, env } = makeRunnerDirs("runner-sidecar-config-");
    try {
      const start = startServerProcess({ ...env, EXECUTOR: "sidecar", SIDECAR_URL: "http://127.0.0.1:9" });
      await expect(start).rejects.toThrow("SIDECAR_TOKEN is required when EXECUTOR=sidecar");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
