import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startReceiver } from "../support/receiver";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";

describe("an iterate run whose runner is killed mid-loop", () => {
  const dir = mkdtempSync(join(tmpdir(), "runner-iterate-crash-"));
  const repo = join(dir, "repos", "demo");
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, ".review-script.json"), "[]");
  const env = {
    DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
    REPOSITORIES_PATH: join(dir, "repos"),
    CURSOR_CLI_PATH: FAKE_AGENT,
    RUN_HEARTBEAT_MS: "200",
    RUN_STALE_AFTER_MS: "1500",
    CALLBACK_POLL_MS: "50",
    CALLBACK_RETRY_BASE_MS: "50",
    LOG_LEVEL: "warn",
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const getRun = async (server: ServerProcess, id: string) =>
    (await (await fetch(`${server.url}/runs/${id}`)).json()) as Record<string, any>;

  it("is failed as 'interrupted by restart' with its child, and its one callback carries the iterations", async () => {
    const receiver = await startReceiver([200]);
    const first = await startServerProcess(env);
    let second: ServerProcess | undefined;
    try {
      const ack = await postJson(`${first.url}/cursor/iterate/async`, {
        prompt: "RUN touch started.txt\nSLEEP 60000",
        repository: "demo",
        maxIterations: 3,
        callbackUrl: `${receiver.url}/done`,
      });
      await waitFor(() => existsSync(join(repo, "started.txt")));
      const live = await getRun(first, ack.body.runId);
      expect(live).toMatchObject({ status: "running", mode: "iterate" });
      first.child.kill("SIGKILL");
      await first.exited;

      second = await startServerProcess(env);
      const server = second;
      const failed = await waitFor(async () => {
        const run = await getRun(server, ack.body.runId);
        return run.status === "failed" && run;
      });
      expect(failed).toMatchObject({ reason: "interrupted", error: "interrupted by restart" });
      expect(failed.iterations).toHaveLength(1);
      expect(failed.iterations[0]).toMatchObject({ iteration: 1, workerRunId: null, outcome: null });

      await waitFor(() => receiver.accepted().length === 1);
      const payload = JSON.parse(receiver.accepted()[0]!.rawBody);
      expect(payload).toMatchObject({
        success: false,
        runId: ack.body.runId,
        error: "interrupted by restart",
        iterations: 1,
        maxIterations: 3,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.requests).toHaveLength(1);
    } finally {
      first.child.kill("SIGKILL");
      await second?.stop();
      await receiver.close();
    }
  });
});
