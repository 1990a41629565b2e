import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { startReceiver } from "../support/receiver";
import { FAKE_AGENT, postJson, readPidFile, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";

function makeDirs(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const repo = join(dir, "repos", "demo");
  mkdirSync(repo, { recursive: true });
  return {
    dir,
    repo,
    env: { DATABASE_URL: `file:${join(dir, "db.sqlite")}`, REPOSITORIES_PATH: join(dir, "repos"), LOG_LEVEL: "warn" },
  };
}

const getRun = async (server: ServerProcess, id: string) =>
  (await (await fetch(`${server.url}/runs/${id}`)).json()) as Record<string, any>;

describe("timeouts, idle and output caps leave no process behind", () => {
  const { dir, repo, env } = makeDirs("runner-limits-");
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({
      ...env,
      CURSOR_CLI_PATH: FAKE_AGENT,
      CURSOR_CLI_TIMEOUT: "2500",
      CURSOR_CLI_IDLE_TIMEOUT: "1000",
      CURSOR_CLI_MAX_OUTPUT_SIZE: "50000",
      RUN_KILL_GRACE_MS: "300",
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `prompt` (which starts a grandchild first) and returns the response plus the pids to check. */
  const runWithGrandchild = async (prompt: string) => {
    const pidFile = join(repo, "grandchild.pid");
    rmSync(pidFile, { force: true });
    const pending = postJson(`${server.url}/cursor/execute`, { prompt: `GRANDCHILD\n${prompt}`, repository: "demo" });
    const grandchild = await readPidFile(pidFile);
    const res = await pending;
    const run = await getRun(server, res.body.runId);
    return { res, run, grandchild };
  };

  it("hard timeout → 500 with the original's message; agent and grandchild are gone", async () => {
    const chatter = Array.from({ length: 10 }, (_, i) => `SAY tick ${i}\nSLEEP 400`).join("\n");
    const { res, run, grandchild } = await runWithGrandchild(chatter);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ success: false, error: "Command timeout after 2500ms", status: "timed_out" });
    expect(run).toMatchObject({ status: "timed_out", reason: "timeout" });
    expect(isProcessAlive(grandchild)).toBe(false);
    expect(isProcessAlive(run.pid)).toBe(false);
  });

  it("idle timeout → 500 'No output from cursor-cli'; agent and grandchild are gone", async () => {
    const { res, run, grandchild } = await runWithGrandchild("SLEEP 60000");
    expect(res.status).toBe(500);
    expect(res.body.error).toBe("No output from cursor-cli for 1000ms");
    expect(run).toMatchObject({ status: "timed_out", reason: "idle" });
    expect(isProcessAlive(grandchild)).toBe(false);
    expect(isProcessAlive(run.pid)).toBe(false);
  });

  it("output cap → 500 'Output size exceeded limit'; agent and grandchild are gone", async () => {
    const { res, run, grandchild } = await runWithGrandchild("FLOOD 400000\nSLEEP 60000");
    expect(res.status).toBe(500);
    expect(res.body.error).toBe("Output size exceeded limit: 50000 bytes");
    expect(run).toMatchObject({ status: "failed", reason: "output_cap" });
    expect(isProcessAlive(grandchild)).toBe(false);
    expect(isProcessAlive(run.pid)).toBe(false);
  });

  it("an agent that ignores SIGTERM is SIGKILLed after the grace period", async () => {
    const { res, run, grandchild } = await runWithGrandchild("IGNORE_SIGTERM\nSLEEP 60000");
    expect(res.body.error).toBe("No output from cursor-cli for 1000ms");
    expect(isProcessAlive(grandchild)).toBe(false);
    expect(isProcessAlive(run.pid)).toBe(false);
  });
});

describe("slots are released on spawn failures", () => {
  const { dir, repo, env } = makeDirs("runner-slots-");
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
  const { dir, repo, env } = makeDirs("runner-crash-");
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
