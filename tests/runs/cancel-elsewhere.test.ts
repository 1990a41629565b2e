import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { getRun, makeRunnerDirs } from "../support/limit-checks";
import { FAKE_AGENT, postJson, readPidFile, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";

describe("a run cancelled through another instance sharing the database", () => {
  const { dir, repo, env } = makeRunnerDirs("runner-cancel-elsewhere-");
  const shared = { ...env, CURSOR_CLI_PATH: FAKE_AGENT, RUN_HEARTBEAT_MS: "200", RUN_KILL_GRACE_MS: "300" };
  let owner: ServerProcess;
  let other: ServerProcess;

  beforeAll(async () => {
    owner = await startServerProcess(shared);
    other = await startServerProcess(shared);
  });
  afterAll(async () => {
    await Promise.all([owner?.stop(), other?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("is settled there at once and its processes are ended by the owner on its next heartbeat", async () => {
    const ack = await postJson(`${owner.url}/cursor/execute/async`, { prompt: "GRANDCHILD\nSLEEP 60000", repository: "demo" });
    const grandchild = await readPidFile(join(repo, "grandchild.pid"));
    const running = await waitFor(async () => {
      const run = await getRun(owner, ack.body.runId);
      return run.status === "running" && run;
    });

    const cancel = await fetch(`${other.url}/runs/${ack.body.runId}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({ status: "cancelled", error: "Run cancelled by request" });

    await waitFor(() => !isProcessAlive(running.pid) && !isProcessAlive(grandchild), { what: "the run's processes to end" });
    // The owner's own settle found the run already settled and left it as the cancel wrote it.
    expect(await getRun(owner, ack.body.runId)).toMatchObject({ status: "cancelled", error: "Run cancelled by request" });
  });
});
