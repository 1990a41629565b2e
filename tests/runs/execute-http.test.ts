import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verify } from "../../src/callbacks/signer";
import { isProcessAlive } from "../../src/exec/proc";
import { expectCancelEndsRun, useFakeAgentServer } from "../support/limit-checks";
import { startReceiver } from "../support/receiver";
import { postJson, waitFor } from "../support/server-process";
import { readSse } from "../support/sse";

const SECRET = "whsec-test";

describe("execution through the real HTTP server", () => {
  const ctx = useFakeAgentServer("runner-exec-", {
    CURSOR_CLI_MAX_CONCURRENT: "2",
    WEBHOOK_SECRET: SECRET,
    CALLBACK_RETRY_BASE_MS: "50",
    CALLBACK_RETRY_MAX_MS: "200",
    CALLBACK_POLL_MS: "50",
    RUN_LINGER_MS: "300",
  });

  /** POST /cursor/execute/async in repository "demo", authorised by the webhook secret header. */
  const executeAsync = (prompt: string) =>
    postJson(`${ctx.server.url}/cursor/execute/async`, { prompt, repository: "demo" }, { "X-Webhook-Secret": SECRET });
  const getRun = async (id: string) => (await (await fetch(`${ctx.server.url}/runs/${id}`)).json()) as Record<string, any>;

  it("runs the agent synchronously; the agent really writes the file", async () => {
    const res = await postJson(`${ctx.server.url}/cursor/execute`, {
      prompt: "SAY done\nWRITE notes/hello.txt <<hello from the agent>>\nRUN echo ran > ran.txt",
      repository: "demo",
      branchName: "main",
      id: "req-sync-1",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      agentSucceeded: true,
      status: "succeeded",
      requestId: "req-sync-1",
      repository: "demo",
      branchName: "main",
      output: "done",
      exitCode: 0,
      error: null,
    });
    expect(res.body.command.slice(0, 6)).toEqual(["--model", "auto", "--print", "--force", "--output-format", "stream-json"]);
    expect(res.body.duration).toMatch(/^\d+ms$/);
    expect(readFileSync(join(ctx.repo, "notes", "hello.txt"), "utf8")).toBe("hello from the agent");
    expect(readFileSync(join(ctx.repo, "ran.txt"), "utf8").trim()).toBe("ran");

    const run = await getRun(res.body.runId);
    expect(run).toMatchObject({ status: "succeeded", reason: "exited", exitCode: 0, repository: "demo" });
    expect(run.sessionId).toMatch(/[0-9a-f-]{36}/);
    expect(run.callbackSecret).toBeUndefined();
  });

  it("reports a non-zero exit honestly while keeping the original's success flag", async () => {
    const res = await postJson(`${ctx.server.url}/cursor/execute`, { prompt: "SAY partial\nEXIT 3", repository: "demo" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, agentSucceeded: false, status: "failed", exitCode: 3 });
    expect(res.body.error).toBe("Agent exited with code 3");
  });

  it("turns an authentication failure into a clear setup error", async () => {
    const res = await postJson(`${ctx.server.url}/cursor/execute`, { prompt: "AUTH_FAIL", repository: "demo" });
    expect(res.body.agentSucceeded).toBe(false);
    expect(res.body.error).toContain("CURSOR_API_KEY");
    expect(res.body.error).toContain("not authenticated");
  });

  it("ends an agent that lingers after its result line and still counts the run as succeeded", async () => {
    const res = await postJson(`${ctx.server.url}/cursor/execute`, {
      prompt: "SAY finished\nHANG_AFTER_RESULT",
      repository: "demo",
    });
    expect(res.body).toMatchObject({ agentSucceeded: true, output: "finished" });
    const run = await getRun(res.body.runId);
    expect(isProcessAlive(run.pid)).toBe(false);
  });

  it("validates the body: 400 for a missing prompt, 404 for an unknown repository, 400 for traversal", async () => {
    expect((await postJson(`${ctx.server.url}/cursor/execute`, { repository: "demo" })).body).toMatchObject({
      success: false,
      error: "prompt is required",
    });
    const missing = await postJson(`${ctx.server.url}/cursor/execute`, { prompt: "x", repository: "nope" });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe(
      "Repository not found locally: nope. Please ensure the repository exists in the repositories directory.",
    );
    const traversal = await postJson(`${ctx.server.url}/cursor/execute`, { prompt: "x", repository: "../../etc" });
    expect(traversal.status).toBe(400);
    expect(traversal.body.error).toBe("Invalid repository name");
  });

  it("requires the webhook secret on the async route (header or ?secret=)", async () => {
    const denied = await postJson(`${ctx.server.url}/cursor/execute/async`, { prompt: "SAY hi", repository: "demo" });
    expect(denied.status).toBe(401);
    expect(denied.body.error).toBe("Unauthorized - invalid or missing webhook secret");
    const wrong = await postJson(`${ctx.server.url}/cursor/execute/async`, { prompt: "SAY hi" }, { "X-Webhook-Secret": "nope" });
    expect(wrong.status).toBe(401);
    const viaQuery = await postJson(`${ctx.server.url}/cursor/execute/async?secret=${SECRET}`, {
      prompt: "SAY hi",
      repository: "demo",
    });
    expect(viaQuery.status).toBe(200);
    expect(ctx.server.output()).not.toContain(SECRET);
  });

  it("acknowledges an async request before the agent starts, then delivers one signed callback despite two failures", async () => {
    const receiver = await startReceiver([500, 503, 200]);
    try {
      // Fill both slots so the next run must wait: its acknowledgement cannot be after its work.
      const blockers = await Promise.all([1, 2].map(() => executeAsync("SLEEP 60000")));
      await waitFor(async () =>
        (await Promise.all(blockers.map((b) => getRun(b.body.runId)))).every((r) => r.status === "running"),
      );

      const ack = await postJson(
        `${ctx.server.url}/cursor/execute/async`,
        {
          prompt: "SAY async done\nWRITE async.txt <<async>>",
          repository: "demo",
          callbackUrl: `${receiver.url}/hook?secret=cb-secret`,
        },
        { "X-Cursor-Runner-Secret": SECRET },
      );
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({ success: true, message: "Request accepted, processing asynchronously" });
      expect((await getRun(ack.body.runId)).status).toBe("queued");
      expect(existsSync(join(ctx.repo, "async.txt"))).toBe(false);

      for (const blocker of blockers) await fetch(`${ctx.server.url}/runs/${blocker.body.runId}/cancel`, { method: "POST" });
      await waitFor(() => receiver.accepted().length === 1);
      expect(readFileSync(join(ctx.repo, "async.txt"), "utf8")).toBe("async");

      expect(receiver.requests.map((r) => r.status)).toEqual([500, 503, 200]);
      const delivery = receiver.accepted()[0]!;
      expect(delivery.url).toBe("/hook");
      expect(delivery.headers["x-webhook-secret"]).toBe("cb-secret");
      const check = await verify("cb-secret", String(delivery.headers["x-runner-signature"]), delivery.rawBody, 300);
      expect(check.valid).toBe(true);
      expect(new Set(receiver.requests.map((r) => r.headers["x-runner-delivery"])).size).toBe(1);
      expect(JSON.parse(delivery.rawBody)).toMatchObject({
        success: true,
        agentSucceeded: true,
        requestId: ack.body.requestId,
        runId: ack.body.runId,
        output: "async done",
        repository: "demo",
      });
      // Nothing else arrives later.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.accepted()).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("calls back a success result followed by a non-zero exit as a failure, as GET /runs/:id shows it", async () => {
    const receiver = await startReceiver([200]);
    try {
      const ack = await postJson(
        `${ctx.server.url}/cursor/execute/async`,
        { prompt: "SAY answered\nEXIT_AFTER_RESULT 3", repository: "demo", callbackUrl: `${receiver.url}/hook` },
        { "X-Webhook-Secret": SECRET },
      );
      await waitFor(() => receiver.accepted().length === 1);
      const honest = { agentSucceeded: false, status: "failed", exitCode: 3, output: "answered" };
      expect(JSON.parse(receiver.accepted()[0]!.rawBody)).toMatchObject({ success: true, ...honest, runId: ack.body.runId });
      expect(await getRun(ack.body.runId)).toMatchObject({ status: "failed", reason: "exited", exitCode: 3 });
    } finally {
      await receiver.close();
    }
  });

  it("replays events after Last-Event-ID, then follows live ones to the end", async () => {
    const ack = await executeAsync("SAY one\nSLEEP 300\nSAY two\nSLEEP 300\nSAY three");
    const all = await readSse(`${ctx.server.url}${ack.body.eventsUrl}`);
    const ids = all.filter((e) => e.id).map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const texts = all.filter((e) => e.event === "message").map((e) => JSON.parse(e.data).text);
    expect(texts).toEqual(expect.arrayContaining(["one", "two", "three"]));
    expect(all.at(-1)?.event).toBe("end");
    expect(JSON.parse(all.at(-1)!.data).status).toBe("succeeded");

    const resumed = await readSse(`${ctx.server.url}${ack.body.eventsUrl}`, { "Last-Event-ID": "3" });
    const resumedIds = resumed.filter((e) => e.id).map((e) => Number(e.id));
    expect(resumedIds[0]).toBe(4);
    expect(resumedIds).toEqual(ids.slice(3));
    expect(resumed.at(-1)?.event).toBe("end");
  });

  it("streams live: a client connected while the agent runs sees events as they happen", async () => {
    const ack = await executeAsync("SAY first\nSLEEP 500\nSAY second");
    const events = await readSse(`${ctx.server.url}${ack.body.eventsUrl}`);
    const messages = events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data));
    const first = messages.find((m) => m.text === "first");
    const second = messages.find((m) => m.text === "second");
    expect(Date.parse(second.ts) - Date.parse(first.ts)).toBeGreaterThan(0);
  });

  it("cancels a running run and leaves no process of it alive", async () => {
    await expectCancelEndsRun(ctx.server, ctx.repo, SECRET, (cancelled) => [cancelled.pid]);
  });

  it("answers 404 for an unknown run and 400 for a malformed run id", async () => {
    expect((await fetch(`${ctx.server.url}/runs/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    const bad = await fetch(`${ctx.server.url}/runs/not-a-run`);
    expect(bad.status).toBe(400);
  });
});
