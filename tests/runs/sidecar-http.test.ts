import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { createSidecarExecutor } from "../../src/exec/sidecar";
import { createSidecarClient } from "../../src/exec/sidecar-client";
import { expectCancelEndsRun, getRun, LIMIT_ENV, limitChecks, makeRunnerDirs } from "../support/limit-checks";
import { postJson, readPidFile, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";
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
    const pids = await sidecar.pids();
    expect(pids).toHaveLength(1);
    // The run records the agent's pid (on the sidecar's host), known once the sidecar has answered.
    const run = await getRun(server, res.body.runId);
    expect(run.pid).toBe(pids[0]);
    expect(isProcessAlive(run.pid)).toBe(false);
    const queue = (await (await fetch(`${server.url}/health/queue`)).json()) as Record<string, any>;
    expect(queue.cli).toMatchObject({ available: true, command: LIMIT_ENV.CURSOR_CLI_PATH });
  });

  // Every process the sidecar ran (so far) must be dead after each check.
  limitChecks({ server: () => server, repo, agentPids: () => sidecar.pids() });

  it("cancels a running run and leaves no process of it alive", async () => {
    await expectCancelEndsRun(server, repo, SECRET, () => sidecar.pids());
  });
});

describe("the Node server with EXECUTOR=sidecar: a sidecar or a runner lost mid-run", () => {
  const { dir, repo, env } = makeRunnerDirs("runner-sidecar-lost-");
  const runnerEnv = (sidecar: SidecarProcess) => ({
    ...env,
    CURSOR_CLI_PATH: LIMIT_ENV.CURSOR_CLI_PATH,
    WEBHOOK_SECRET: SECRET,
    EXECUTOR: "sidecar",
    SIDECAR_URL: sidecar.url,
    SIDECAR_TOKEN: sidecar.token,
    RUN_HEARTBEAT_MS: "200",
    RUN_STALE_AFTER_MS: "1500",
  });
  const startAsync = (server: ServerProcess) =>
    postJson(
      `${server.url}/cursor/execute/async`,
      { prompt: "GRANDCHILD\nSLEEP 60000", repository: "demo" },
      { "X-Webhook-Secret": SECRET },
    );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a runner killed mid-run: the next runner fails the run as 'interrupted by restart' and the sidecar ends its agent", async () => {
    const sidecar = await startSidecarProcess(env.REPOSITORIES_PATH);
    const first = await startServerProcess(runnerEnv(sidecar));
    let second: ServerProcess | undefined;
    try {
      const pidFile = join(repo, "grandchild.pid");
      rmSync(pidFile, { force: true });
      const ack = await startAsync(first);
      const grandchild = await readPidFile(pidFile);
      const running = await waitFor(async () => {
        const run = await getRun(first, ack.body.runId);
        return run.status === "running" && run;
      });
      expect(await sidecar.pids()).toEqual([running.pid]);

      first.child.kill("SIGKILL");
      await first.exited;
      expect(isProcessAlive(running.pid)).toBe(true); // the agent outlived its runner…

      second = await startServerProcess(runnerEnv(sidecar));
      const failed = await waitFor(async () => {
        const run = await getRun(second as ServerProcess, ack.body.runId);
        return run.status === "failed" && run;
      });
      expect(failed).toMatchObject({ reason: "interrupted", error: "interrupted by restart" });
      // …but not the restart: the new runner had the sidecar end it, grandchild included.
      const [reaped] = await waitFor(async () => {
        const { body } = await sidecar.get("/v1/processes");
        return body.processes[0]?.state === "finished" && body.processes;
      });
      expect(reaped).toMatchObject({
        pid: running.pid,
        result: { reason: "cancelled", error: "The runner of this run stopped (orphan reaped)" },
      });
      expect(isProcessAlive(running.pid)).toBe(false);
      expect(isProcessAlive(grandchild)).toBe(false);
    } finally {
      first.child.kill("SIGKILL");
      await second?.stop();
      await sidecar.stop();
    }
  });

  it("a sidecar restarted mid-run: the run fails as lost (HTTP 500), and the new sidecar can reap the orphan", async () => {
    const doomed = await startSidecarProcess(env.REPOSITORIES_PATH);
    let successor: SidecarProcess | undefined;
    const server = await startServerProcess(runnerEnv(doomed));
    let agentPid: number | undefined;
    try {
      const pending = postJson(`${server.url}/cursor/execute`, { prompt: "SAY started\nSLEEP 60000", repository: "demo" });
      const { id, pid } = await waitFor(async () => (await doomed.get("/v1/processes")).body.processes[0]);
      agentPid = pid as number;
      // Once it has said its line it only sleeps (killed earlier, it would die writing to the dead sidecar's pipe).
      for await (const event of createSidecarClient(doomed).stream(id, { stdout: 0, stderr: 0 })) {
        if (event.type === "output" && event.text.includes('"text":"started"')) break;
      }
      doomed.child.kill("SIGKILL");
      await doomed.exited;
      // Same address, empty registry: the runner's process is unknown there.
      successor = await startSidecarProcess(env.REPOSITORIES_PATH, {}, { port: doomed.port });
      const res = await pending;
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ success: false, status: "failed" });
      expect(res.body.error).toMatch(/^Lost (the process on|contact with) the sidecar at .*on this sidecar/);
      expect(await getRun(server, res.body.runId)).toMatchObject({ status: "failed", reason: "lost", pid: agentPid });
      // The orphan is not in the new sidecar's registry, but it finds it on its host by the run id.
      expect(isProcessAlive(agentPid)).toBe(true);
      const reaper = createSidecarExecutor({ url: successor.url, token: successor.token });
      expect(await reaper.reapOrphan(res.body.runId, agentPid)).toBe(true);
      expect(isProcessAlive(agentPid)).toBe(false);
    } finally {
      doomed.child.kill("SIGKILL");
      await server.stop();
      await successor?.stop();
      if (agentPid && isProcessAlive(agentPid)) process.kill(-agentPid, "SIGKILL");
    }
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
