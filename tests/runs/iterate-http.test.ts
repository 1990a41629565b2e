import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIAGNOSTIC_PROMPT } from "../../src/runs/iterate/prompts";
import { startReceiver } from "../support/receiver";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";

const FAKE_REVIEWER = join(import.meta.dirname, "..", "support", "fake-reviewer.mjs");
const SECRET = "iterate-secret";

const verdict = (code_complete: boolean, justification: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ code_complete, break_iteration: false, justification, ...extra });

describe("POST /cursor/iterate with the fake cursor agent as worker and a scripted reviewer", () => {
  let dir: string;
  let server: ServerProcess;
  let seq = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-iterate-"));
    mkdirSync(join(dir, "repos"));
    server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      // The reviewer is the worker's agent (cursor), run through a scripted executable.
      REVIEW_AGENT_CLI_PATH: FAKE_REVIEWER,
      CURSOR_CLI_MAX_CONCURRENT: "4",
      WEBHOOK_SECRET: SECRET,
      CALLBACK_RETRY_BASE_MS: "50",
      CALLBACK_POLL_MS: "50",
      RUN_LINGER_MS: "300",
      LOG_LEVEL: "warn",
    });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh repository whose reviewer answers with `replies`, in order. */
  const repo = (replies: string[], files: Record<string, string> = {}) => {
    const name = `repo-${++seq}`;
    const path = join(dir, "repos", name);
    mkdirSync(path);
    writeFileSync(join(path, ".review-script.json"), JSON.stringify(replies));
    for (const [file, content] of Object.entries(files)) writeFileSync(join(path, file), content);
    return { name, path };
  };
  const iterate = (body: Record<string, unknown>) =>
    postJson(`${server.url}/cursor/iterate`, { conversationId: `conv-${++seq}`, ...body });
  const getRun = async (id: string) => (await (await fetch(`${server.url}/runs/${id}`)).json()) as Record<string, any>;

  it("records an attempt whose agent exited non-zero after a success result as failed, exit code and all", async () => {
    const { name } = repo([verdict(true, "the files are there")]);
    const res = await iterate({ prompt: "SAY half\nEXIT_AFTER_RESULT 3", repository: name });
    // The reviewer judges the workspace; the attempt itself is still recorded as the failure it was.
    expect(res.status).toBe(200);
    const [first] = res.body.iterationDetails;
    expect(first).toMatchObject({ iteration: 1, workerStatus: "failed", exitCode: 3 });
    expect(await getRun(first.workerRunId)).toMatchObject({ status: "failed", exitCode: 3, reason: "exited" });
  });

  it("is done after two iterations: the reviewer's continuation prompt drives the second attempt", async () => {
    const { name, path } = repo([
      verdict(false, "only half done", { continuationPrompt: "SAY second attempt" }),
      verdict(true, "all done"),
    ]);
    const res = await iterate({ prompt: "SAY first attempt", repository: name });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      status: "succeeded",
      reason: "completed",
      iterations: 2,
      maxIterations: 5,
      output: "second attempt",
      reviewJustification: "all done",
      repository: name,
    });
    const [first, second] = res.body.iterationDetails;
    expect(first).toMatchObject({
      iteration: 1,
      outcome: "continue",
      exitCode: 0,
      workerStatus: "succeeded",
      prompt: "SAY first attempt",
    });
    expect(first.verdict).toEqual({
      code_complete: false,
      break_iteration: false,
      justification: "only half done",
      continuationPrompt: "SAY second attempt",
      parsed: true,
    });
    expect(second).toMatchObject({ iteration: 2, outcome: "completed" });
    // §6.2 step 3: the resumed attempt carries the conversation so far.
    expect(second.prompt).toContain("=== CONVERSATION CONTEXT ===\nuser: SAY first attempt\n\ncursor: first attempt");
    expect(second.prompt).toMatch(/=== CURRENT REQUEST ===\nSAY second attempt$/);

    // The review prompt was built by the runner: task, definition of done and the attempt's output.
    const reviewPrompt = readFileSync(join(path, ".review-prompt-1.txt"), "utf8");
    expect(reviewPrompt).toContain("SAY first attempt");
    expect(reviewPrompt).toContain("The code/files were created or modified as required");
    expect(reviewPrompt).toContain('"code_complete"');

    // GET /runs/:id shows the parent with its options and iterations; children point at it.
    const parent = await getRun(res.body.runId);
    expect(parent).toMatchObject({ mode: "iterate", status: "succeeded", reason: "completed", pid: null });
    expect(parent.iterate).toMatchObject({ maxIterations: 5, reviewAgent: "cursor", definitionOfDoneSource: "default" });
    expect(parent.iterations).toHaveLength(2);
    const worker = await getRun(first.workerRunId);
    expect(worker).toMatchObject({ mode: "iteration", parentRunId: parent.id, callbackUrl: null, conversationId: null });
    const review = await getRun(first.reviewRunId);
    expect(review).toMatchObject({ mode: "review", parentRunId: parent.id, mcpServers: [] });
  });

  it("stops when the reviewer sets break_iteration: success:false, 422", async () => {
    const { name } = repo([JSON.stringify({ code_complete: false, break_iteration: true, justification: "needs credentials" })]);
    const res = await iterate({ prompt: "SAY tried", repository: name });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      success: false,
      reason: "break_iteration",
      error: "needs credentials",
      iterations: 1,
      originalOutput: "tried",
      reviewJustification: "needs credentials",
    });
  });

  it("reports maxIterations exhausted honestly: success:false, reason max_iterations", async () => {
    const { name } = repo([verdict(false, "still failing", { continuationPrompt: "SAY again" })]);
    const res = await iterate({ prompt: "SAY attempt", repository: name, maxIterations: 2 });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      success: false,
      status: "failed",
      reason: "max_iterations",
      iterations: 2,
      maxIterations: 2,
    });
    expect(res.body.error).toContain("still failing");
    expect(res.body.iterationDetails.map((i: any) => i.outcome)).toEqual(["continue", "max_iterations"]);
  });

  it("breaks on an unparseable verdict with the raw text as justification", async () => {
    const { name } = repo(["Looks fine to me, ship it"]);
    const res = await iterate({ prompt: "SAY work", repository: name });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, reason: "review_unparseable", error: "Looks fine to me, ship it" });
    expect(res.body.iterationDetails[0].verdict).toEqual({
      code_complete: false,
      break_iteration: true,
      justification: "Looks fine to me, ship it",
      parsed: false,
    });
  });

  it("needs the executable definition of done: npm test fails first, passes after the second attempt", async () => {
    const { name, path } = repo(
      [
        // The reviewer is satisfied at once; the failing check alone keeps the loop going.
        verdict(true, "implemented add", { continuationPrompt: "WRITE index.js <<module.exports = (a, b) => a + b;\\n>>" }),
        verdict(true, "tests pass"),
      ],
      {
        "package.json": JSON.stringify({ name: "calc", version: "1.0.0", private: true, scripts: { test: "node test.js" } }),
        "test.js":
          'const add = require("./index.js");\nif (add(2, 3) !== 5) { console.error(`expected 5, got ${add(2, 3)}`); process.exit(1); }\nconsole.log("all tests passed");\n',
      },
    );
    const res = await iterate({
      prompt: "WRITE index.js <<module.exports = (a, b) => a - b;\\n>>",
      repository: name,
      doneWhen: { command: "npm", args: ["test"], timeoutMs: 60_000 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, iterations: 2, reason: "completed" });
    const [first, second] = res.body.iterationDetails;
    expect(first.dodResult).toMatchObject({ command: "npm", args: ["test"], passed: false, exitCode: 1 });
    expect(first.dodResult.output).toContain("expected 5, got -1");
    expect(first.verdict.code_complete).toBe(true);
    expect(first.outcome).toBe("continue");
    expect(second.prompt).toContain("The check `npm test` failed (exit 1)");
    expect(second.dodResult).toMatchObject({ passed: true, exitCode: 0 });
    expect(second.dodResult.output).toContain("all tests passed");
    expect(readFileSync(join(path, "index.js"), "utf8")).toBe("module.exports = (a, b) => a + b;\n");
    expect(readFileSync(join(path, ".review-prompt-1.txt"), "utf8")).toContain("FAILED (exit 1)");
    expect(readFileSync(join(path, ".review-prompt-2.txt"), "utf8")).toContain("PASSED (exit 0)");
  });

  it("runs one diagnostic attempt when an attempt hangs without output, then reviews it", async () => {
    const { name } = repo([verdict(true, "diagnosed and fixed")]);
    const res = await iterate({ prompt: "SILENT_AFTER_FIRST", repository: name, iterationTimeoutMs: 1500 });
    expect(res.status).toBe(200);
    const [first] = res.body.iterationDetails;
    expect(first.diagnosticRunId).toEqual(expect.any(String));
    expect(first.workerStatus).toBe("succeeded");
    expect(await getRun(first.workerRunId)).toMatchObject({ status: "timed_out", reason: "timeout", output: null });
    const diagnostic = await getRun(first.diagnosticRunId);
    expect(diagnostic.prompt).toContain(DIAGNOSTIC_PROMPT);
    expect(diagnostic).toMatchObject({ mode: "iteration", status: "succeeded", parentRunId: res.body.runId });
  });

  it("spends maxDurationMs across the whole loop: out of budget is success:false, timed_out", async () => {
    const { name } = repo([verdict(false, "never reached")]);
    const res = await iterate({ prompt: "SLEEP 60000", repository: name, maxDurationMs: 1500 });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, status: "timed_out", reason: "max_duration", iterations: 1 });
    expect(res.body.iterationDetails[0]).toMatchObject({ outcome: "max_duration", reviewRunId: null, diagnosticRunId: null });
  });

  it("cancels the loop and its running attempt", async () => {
    const { name, path } = repo([verdict(true, "unused")]);
    const ack = await postJson(
      `${server.url}/cursor/iterate/async`,
      { prompt: "RUN touch started.txt\nSLEEP 60000", repository: name, callbackUrl: "http://127.0.0.1:9/none" },
      { "X-Webhook-Secret": SECRET },
    );
    await waitFor(() => existsSync(join(path, "started.txt")));
    const cancelled = await postJson(`${server.url}/runs/${ack.body.runId}/cancel`, {});
    expect(cancelled.body).toMatchObject({ status: "cancelled" });
    const parent = await waitFor(async () => {
      const run = await getRun(ack.body.runId);
      return run.iterations?.[0]?.outcome === "cancelled" && run;
    });
    expect((await getRun(parent.iterations[0].workerRunId)).status).toBe("cancelled");
  });

  it("iterate/async: needs the webhook secret, acks at once, sends one callback with every iteration", async () => {
    const denied = await postJson(`${server.url}/cursor/iterate/async`, { prompt: "SAY hi" });
    expect(denied.status).toBe(401);

    const receiver = await startReceiver([200]);
    try {
      const { name } = repo([verdict(false, "one more", { continuationPrompt: "SAY finished" }), verdict(true, "done")]);
      const ack = await postJson(
        `${server.url}/cursor/iterate/async`,
        { prompt: "SAY started", repository: name, callbackUrl: `${receiver.url}/hook?secret=cb`, conversationId: "conv-async" },
        { "X-Webhook-Secret": SECRET },
      );
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({ success: true, message: "Request accepted, processing asynchronously" });
      await waitFor(() => receiver.accepted().length === 1);
      const payload = JSON.parse(receiver.accepted()[0]!.rawBody);
      expect(payload).toMatchObject({
        success: true,
        runId: ack.body.runId,
        iterations: 2,
        output: "finished",
        repository: name,
      });
      expect(payload.iterationDetails).toHaveLength(2);
      expect(payload.iterationDetails[0].verdict.justification).toBe("one more");
      expect(receiver.accepted()[0]!.headers["x-webhook-secret"]).toBe("cb");
      // Child runs send nothing of their own.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("validates the iterate options", async () => {
    const { name } = repo([verdict(true, "x")]);
    for (const [body, message] of [
      [{ maxIterations: 500 }, "maxIterations must be at most 50"],
      [{ reviewAgent: "nope" }, "reviewAgent must be one of"],
      [{ doneWhen: { args: ["test"] } }, "doneWhen.command is required"],
      [{ maxDurationMs: -1 }, "maxDurationMs must be positive"],
    ] as const) {
      const res = await iterate({ prompt: "SAY x", repository: name, ...body });
      expect(res.status).toBe(400);
      expect(res.body.error).toContain(message);
    }
    const missing = await iterate({ prompt: "SAY x", repository: "missing-repo" });
    expect(missing.status).toBe(404);
  });
});
