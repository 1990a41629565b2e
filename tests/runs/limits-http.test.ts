import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { getRun, LIMIT_ENV, limitChecks, makeRunnerDirs } from "../support/limit-checks";
import { startReceiver } from "../support/receiver";
import { FAKE_AGENT, postJson, readPidFile, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";

describe("timeouts, idle and output caps leave no process behind", () => {
  const { dir, repo, env } = makeRunnerDirs("runner-limits-");
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({ ...env, ...LIMIT_ENV });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  limitChecks({ server: () => server, repo });
});

describe("slots are released on spawn failures", () => {
  const { dir, repo, env } = makeRunnerDirs("runner-slots-");
  const agent = join(dir, "agent");
  let server: ServerProcess;

  beforeAll(async () => {
    // Executable, so it is "found" on start-up, but its interpreter does not exist: every spawn fails.
    writeFileSync(agent, "#!/nonexistent/interpreter\n");
    chmodSync(agent, 0o755);
    server = await startServerProcess({ ...env, CURSOR_CLI_PATH: agent, CURSOR_CLI_MAX_CONCURRENT: "2" });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("maxConcurrent + 3 failing runs, then a good run still completes", async () => {
    const failures = await Promise.all(
      Array.from({ length: 5 }, () => postJson(`${server.url}/cursor/execute`, { prompt: "SAY hi", repository: "demo" })),
    );
    for (const failure of failures) {
      expect(failure.status).toBe(500);
      expect(failure.body.status).toBe("failed");
      expect(failure.body.error).toMatch(/ENOENT|spawn/);
    }
    const queue = (await (await fetch(`${server.url}/health/queue`)).json()) as Record<string, any>;
    expect(queue.queue).toMatchObject({ available: 2, waiting: 0, maxConcurrent: 2 });

    writeFileSync(agent, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_AGENT}" "$@"\n`);
    const good = await postJson(`${server.url}/cursor/execute`, {
      prompt: "SAY recovered\nWRITE ok.txt <<ok>>",
      repository: "demo",
    });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ agentSucceeded: true, output: "recovered" });
    expect(repo).toBeTruthy();
  });
});

describe("a runner killed mid-run", () => {
  const { dir, repo, env } = makeRunnerDirs("runner-crash-");
  const crashEnv = {
    ...env,
    CURSOR_CLI_PATH: FAKE_AGENT,
    RUN_HEARTBEAT_MS: "200",
    RUN_STALE_AFTER_MS: "1500",
    CALLBACK_POLL_MS: "50",
    CALLBACK_RETRY_BASE_MS: "50",
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is failed as 'interrupted by restart' by the next runner, its agent is ended, and its callback is delivered once", async () => {
    const receiver = await startReceiver([200]);
    const first = await startServerProcess(crashEnv);
    let second: ServerProcess | undefined;
    try {
      const ack = await postJson(`${first.url}/cursor/execute/async`, {
        prompt: "GRANDCHILD\nSLEEP 60000",
        repository: "demo",
        callbackUrl: `${receiver.url}/done`,
      });
      const grandchild = await readPidFile(join(repo, "grandchild.pid"));
      const running = await waitFor(async () => {
        const run = await getRun(first, ack.body.runId);
        return run.status === "running" && run;
      });

      first.child.kill("SIGKILL");
      await first.exited;
      expect(isProcessAlive(running.pid)).toBe(true); // the agent outlived its runner…

      second = await startServerProcess(crashEnv);
      const failed = await waitFor(async () => {
        const run = await getRun(second as ServerProcess, ack.body.runId);
        return run.status === "failed" && run;
      });
      expect(failed).toMatchObject({ reason: "interrupted", error: "interrupted by restart" });
      await waitFor(() => receiver.accepted().length === 1);
      expect(JSON.parse(receiver.accepted()[0]!.rawBody)).toMatchObject({
        success: false,
        runId: ack.body.runId,
        error: "interrupted by restart",
      });
      // …but not the restart.
      await waitFor(() => !isProcessAlive(running.pid) && !isProcessAlive(grandchild));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.requests).toHaveLength(1);
    } finally {
      first.child.kill("SIGKILL");
      await second?.stop();
      await receiver.close();
    }
  });
});
