import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { FAKE_AGENT, postJson, readPidFile, type ServerProcess, startServerProcess } from "./server-process";

/** A temp dir with repos/demo and the server env pointing at it. */
export function makeRunnerDirs(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const repo = join(dir, "repos", "demo");
  mkdirSync(repo, { recursive: true });
  return {
    dir,
    repo,
    env: { DATABASE_URL: `file:${join(dir, "db.sqlite")}`, REPOSITORIES_PATH: join(dir, "repos"), LOG_LEVEL: "warn" },
  };
}

/** Registers beforeAll/afterAll: fresh runner dirs and the real server over them, running the fake agent, plus `env`. */
export function useFakeAgentServer(prefix: string, env: Record<string, string>) {
  const ctx = {} as { dir: string; repo: string; server: ServerProcess };
  beforeAll(async () => {
    const dirs = makeRunnerDirs(prefix);
    ctx.dir = dirs.dir;
    ctx.repo = dirs.repo;
    ctx.server = await startServerProcess({ ...dirs.env, CURSOR_CLI_PATH: FAKE_AGENT, ...env });
  });
  afterAll(async () => {
    await ctx.server?.stop();
    rmSync(ctx.dir, { recursive: true, force: true });
  });
  return ctx;
}

/** The limits `limitChecks` expects the server to run with. */
export const LIMIT_ENV = {
  CURSOR_CLI_PATH: FAKE_AGENT,
  CURSOR_CLI_TIMEOUT: "2500",
  CURSOR_CLI_IDLE_TIMEOUT: "1000",
  CURSOR_CLI_MAX_OUTPUT_SIZE: "50000",
  RUN_KILL_GRACE_MS: "300",
};

export const getRun = async (server: ServerProcess, id: string) =>
  (await (await fetch(`${server.url}/runs/${id}`)).json()) as Record<string, any>;

/**
 * Starts an async run whose agent first starts a grandchild, cancels it, and checks the answer says cancelled,
 * the grandchild and every pid `agentPids` names are gone, and a second cancel answers 409.
 */
export async function expectCancelEndsRun(
  server: ServerProcess,
  repo: string,
  secret: string,
  agentPids: (cancelled: Record<string, any>) => Promise<number[]> | number[],
) {
  const pidFile = join(repo, "grandchild.pid");
  rmSync(pidFile, { force: true });
  const ack = await postJson(
    `${server.url}/cursor/execute/async`,
    { prompt: "GRANDCHILD\nSLEEP 60000", repository: "demo" },
    { "X-Webhook-Secret": secret },
  );
  const grandchild = await readPidFile(pidFile);
  const cancel = () => fetch(`${server.url}/runs/${ack.body.runId}/cancel`, { method: "POST" });
  const cancelled = (await (await cancel()).json()) as Record<string, any>;
  expect(cancelled).toMatchObject({ status: "cancelled", reason: "cancelled" });
  expect(isProcessAlive(grandchild)).toBe(false);
  for (const pid of await agentPids(cancelled)) expect(isProcessAlive(pid)).toBe(false);
  expect((await cancel()).status).toBe(409);
}

export interface LimitCheckOptions {
  server: () => ServerProcess;
  repo: string;
  /** Pids of the agent processes to check after a run. Default: the run's recorded pid. */
  agentPids?: (run: Record<string, any>) => Promise<number[]>;
}

/**
 * The timeout / idle / cap / SIGKILL checks of the execution issue, through a real server started
 * with LIMIT_ENV: each run starts a grandchild first, and neither it nor the agent may survive.
 *
 * @example
 * describe("limits", () => { limitChecks({ server: () => server, repo }); });
 */
export function limitChecks({ server, repo, agentPids = async (run) => [run.pid] }: LimitCheckOptions) {
  /** Runs `prompt` (which starts a grandchild first) and returns the response plus the pids to check. */
  const runWithGrandchild = async (prompt: string) => {
    const pidFile = join(repo, "grandchild.pid");
    rmSync(pidFile, { force: true });
    const pending = postJson(`${server().url}/cursor/execute`, { prompt: `GRANDCHILD\n${prompt}`, repository: "demo" });
    const grandchild = await readPidFile(pidFile);
    const res = await pending;
    const run = await getRun(server(), res.body.runId);
    return { res, run, grandchild };
  };

  const expectNoneAlive = async (run: Record<string, any>, grandchild: number) => {
    expect(isProcessAlive(grandchild)).toBe(false);
    const pids = await agentPids(run);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
  };

  it("hard timeout → 500 with the original's message; agent and grandchild are gone", async () => {
    const chatter = Array.from({ length: 10 }, (_, i) => `SAY tick ${i}\nSLEEP 400`).join("\n");
    const { res, run, grandchild } = await runWithGrandchild(chatter);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ success: false, error: "Command timeout after 2500ms", status: "timed_out" });
    expect(run).toMatchObject({ status: "timed_out", reason: "timeout" });
    await expectNoneAlive(run, grandchild);
  });

  it("idle timeout → 500 'No output from cursor-cli'; agent and grandchild are gone", async () => {
    const { res, run, grandchild } = await runWithGrandchild("SLEEP 60000");
    expect(res.status).toBe(500);
    expect(res.body.error).toBe("No output from cursor-cli for 1000ms");
    expect(run).toMatchObject({ status: "timed_out", reason: "idle" });
    await expectNoneAlive(run, grandchild);
  });

  it("output cap → 500 'Output size exceeded limit'; agent and grandchild are gone", async () => {
    const { res, run, grandchild } = await runWithGrandchild("FLOOD 400000\nSLEEP 60000");
    expect(res.status).toBe(500);
    expect(res.body.error).toBe("Output size exceeded limit: 50000 bytes");
    expect(run).toMatchObject({ status: "failed", reason: "output_cap" });
    await expectNoneAlive(run, grandchild);
  });

  it("an agent that lingers after its success result is ended as finished: 200, succeeded, the idle limit never fires", async () => {
    // LIMIT_ENV's idle limit is 1000 ms and RUN_LINGER_MS defaults to 2000: the grace is capped below the idle limit.
    const { res, run, grandchild } = await runWithGrandchild("SAY answered\nHANG_AFTER_RESULT");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, agentSucceeded: true, status: "succeeded", output: "answered", error: null });
    expect(run).toMatchObject({ status: "succeeded", reason: "ended_after_result", output: "answered", error: null });
    await expectNoneAlive(run, grandchild);
  });

  it("a success result followed by exit 3 is a failure: agentSucceeded false, status failed, the exit recorded", async () => {
    const { res, run, grandchild } = await runWithGrandchild("SAY answered\nEXIT_AFTER_RESULT 3");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      agentSucceeded: false,
      status: "failed",
      exitCode: 3,
      output: "answered",
      error: "Agent exited with code 3 after reporting success",
    });
    expect(run).toMatchObject({ status: "failed", reason: "exited", exitCode: 3 });
    await expectNoneAlive(run, grandchild);
  });

  it("an agent that ignores SIGTERM is SIGKILLed after the grace period", async () => {
    const { res, run, grandchild } = await runWithGrandchild("IGNORE_SIGTERM\nSLEEP 60000");
    expect(res.body.error).toBe("No output from cursor-cli for 1000ms");
    await expectNoneAlive(run, grandchild);
  });
}
