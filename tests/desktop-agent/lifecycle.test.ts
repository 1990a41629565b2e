// The desktop agent's loop control through the HTTP API, on a real Xvfb with the real SDKs against
// scripted providers: needs_help → the user drives → message → resume; takeover and cancel mid-call;
// 429/5xx retried honouring retry-after; a summary when the context fills; the budget; refusals.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagesOf, type ModelRequest, type ModelServer, startModelServer } from "../support/model-server";
import { startTestDisplay, type TestDisplay } from "../support/xvfb";
import { completed, type Json, openTerminal, PROVIDERS, readIfThere, sequence, tool, useAgent, waitFor } from "./harness";

const [anthropic, responses, chat, gemini] = PROVIDERS as [
  (typeof PROVIDERS)[0],
  (typeof PROVIDERS)[0],
  (typeof PROVIDERS)[0],
  (typeof PROVIDERS)[0],
];

/** Anthropic's rule the real API enforces: every tool_use is answered by a tool_result in the next user message. */
function expectToolPairs(request: ModelRequest) {
  const messages = request.body.messages as { role: string; content: any[] }[];
  messages.forEach((message, i) => {
    const uses = (Array.isArray(message.content) ? message.content : []).filter((b) => b.type === "tool_use");
    if (message.role !== "assistant" || uses.length === 0) return;
    const next = messages[i + 1];
    expect(next?.role).toBe("user");
    const answered = (next?.content ?? []).filter((b: any) => b.type === "tool_result").map((b: any) => b.tool_use_id);
    expect(answered).toEqual(uses.map((u) => u.id));
  });
}

describe("the desktop agent's loop control", () => {
  let x: TestDisplay;
  let server: ModelServer;
  const dir = mkdtempSync(join(tmpdir(), "desktop-agent-lifecycle-"));
  const start = useAgent();
  let n = 0;
  const fresh = () => join(dir, `case-${++n}`);

  beforeAll(async () => {
    x = await startTestDisplay({ windowManager: true });
    server = await startModelServer();
  });
  afterAll(async () => {
    await server?.close();
    await x?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("needs_help pauses under the user's control; their actions and message reach the model on resume", async () => {
    const work = fresh();
    const terminal = await openTerminal(x, work, "help-term");
    try {
      const ctx = await start(x, work, anthropic.env(server));
      const first = server.requests.length;
      server.setScript(
        sequence(
          {
            blocks: [
              { text: "I cannot tell which window is the terminal." },
              tool("set_task_status", { status: "needs_help", description: "Please click into the terminal for me" }),
            ],
          },
          { blocks: [tool("computer_type_text", { text: "echo after-help > help.txt\n" })] },
          completed("Typed after the user helped"),
        ),
      );
      const task = await ctx.create("Write after-help into help.txt", anthropic.model);
      const waiting = await ctx.until(task.id, (t) => t.status === "NEEDS_HELP", "needs help");
      expect(waiting).toMatchObject({ control: "USER", error: "Please click into the terminal for me" });
      expect(server.requests.length - first).toBe(1);

      // The user drives the desktop for this task (recorded, B§3.9), says something, and hands back.
      const click = await ctx.call("POST", "/computer-use", {
        action: "click_mouse",
        button: "left",
        coordinates: terminal.center,
        taskId: task.id,
      });
      expect(click.status).toBe(200);
      expect(
        (await ctx.call("POST", `/tasks/${task.id}/messages`, { message: "I clicked into the terminal; carry on" })).status,
      ).toBe(201);
      expect((await ctx.call("POST", `/tasks/${task.id}/resume`)).status).toBe(200);

      const done = await ctx.until(task.id, (t) => ["COMPLETED", "FAILED"].includes(t.status), "finished");
      expect(done, done.error).toMatchObject({ status: "COMPLETED", control: "ASSISTANT" });
      expect(await waitFor(() => readIfThere(join(work, "help.txt")))).toBe("after-help\n");

      const resumed = server.requests[first + 1]!;
      const sent = JSON.stringify(resumed.body);
      expect(sent).toContain("I clicked into the terminal; carry on");
      expect(sent).toContain("User performed action: computer_click_mouse");
      for (const request of server.requests.slice(first)) expectToolPairs(request);
      const messages = await ctx.messages(task.id);
      expect(messages.some((m) => m.content.some((b: Json) => b.type === "user_action"))).toBe(true);
      expect(messages.at(-2)?.content).toMatchObject([
        { type: "tool_use", name: "set_task_status", input: { status: "completed" } },
      ]);
    } finally {
      await terminal.client.stop();
    }
  });

  it("takeover and cancel stop the loop during a model call; resume goes on from the stored conversation", async () => {
    const ctx = await start(x, fresh(), chat.env(server));
    const first = server.requests.length;
    server.setScript(sequence({ blocks: [tool("computer_screenshot")] }, { hang: true }, { hang: true }));
    const task = await ctx.create("Look at the screen, then wait", chat.model);
    await waitFor(() => server.requests.length === first + 2, { timeoutMs: 30_000, what: "the second model call" });

    // While it works, the task holds one of the machine's execution slots (like an agent run).
    const slots = async () => (await ctx.call("GET", "/health/queue")).body.queue;
    const { maxConcurrent } = await slots();
    expect((await slots()).available).toBe(maxConcurrent - 1);

    const takeover = await ctx.call("POST", `/tasks/${task.id}/takeover`);
    expect(takeover.status).toBe(200);
    await waitFor(() => server.requests[first + 1]!.aborted, { timeoutMs: 30_000, what: "the model call aborted by takeover" });
    await waitFor(async () => (await ctx.call("GET", "/processor/status")).body.running.length === 0, {
      what: "no work running",
    });
    expect(await ctx.task(task.id)).toMatchObject({ status: "RUNNING", control: "USER" });
    expect((await slots()).available).toBe(maxConcurrent);

    expect((await ctx.call("POST", `/tasks/${task.id}/resume`)).status).toBe(200);
    await waitFor(() => server.requests.length === first + 3, { timeoutMs: 30_000, what: "the model called again after resume" });
    // Resumed from what is stored: the screenshot call and its image are in the new request.
    expect(imagesOf(server.requests[first + 2]!)).toHaveLength(1);

    const cancel = await ctx.call("POST", `/tasks/${task.id}/cancel`);
    expect(cancel).toMatchObject({ status: 200, body: { status: "CANCELLED" } });
    await waitFor(() => server.requests[first + 2]!.aborted, { timeoutMs: 30_000, what: "the model call aborted by cancel" });
    await waitFor(async () => (await ctx.call("GET", "/processor/status")).body.running.length === 0, {
      what: "no work running",
    });
    expect(await ctx.task(task.id)).toMatchObject({ status: "CANCELLED" });
    expect(server.requests.length).toBe(first + 3);
    // Nothing was stored for the interrupted calls: description, screenshot call, its result.
    expect((await ctx.messages(task.id)).map((m) => m.role)).toEqual(["USER", "ASSISTANT", "USER"]);
  });

  it("429 with retry-after, then 503, are retried (the SDK's own retries off), then the task completes", async () => {
    const ctx = await start(x, fresh(), { ...gemini.env(server), DESKTOP_AGENT_RETRY_MIN_MS: "1" });
    const first = server.requests.length;
    server.setScript(
      sequence(
        {
          status: 429,
          headers: { "retry-after": "1" },
          body: { error: { code: 429, message: "Resource exhausted", status: "RESOURCE_EXHAUSTED" } },
        },
        { status: 503, body: { error: { code: 503, message: "Overloaded", status: "UNAVAILABLE" } } },
        completed("Done after retries"),
      ),
    );
    const task = await ctx.create("Finish", gemini.model);
    const done = await ctx.until(task.id, (t) => ["COMPLETED", "FAILED"].includes(t.status), "finished");
    expect(done, done.error).toMatchObject({ status: "COMPLETED", result: { description: "Done after retries" } });
    const sent = server.requests.slice(first);
    expect(sent).toHaveLength(3);
    // The server's retry-after (1 s) was waited for, not the 1 ms backoff.
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("a provider that never answers is timed out (DESKTOP_AGENT_CALL_TIMEOUT_MS) and the call retried", async () => {
    const ctx = await start(x, fresh(), {
      ...responses.env(server),
      DESKTOP_AGENT_CALL_TIMEOUT_MS: "500",
      DESKTOP_AGENT_RETRY_MIN_MS: "1",
    });
    const first = server.requests.length;
    server.setScript(sequence({ hang: true }, completed("Answered the second time")));
    const task = await ctx.create("Finish", responses.model);
    const done = await ctx.until(task.id, (t) => ["COMPLETED", "FAILED"].includes(t.status), "finished");
    expect(done, done.error).toMatchObject({ status: "COMPLETED", result: { description: "Answered the second time" } });
    expect(server.requests.length - first).toBe(2);
    expect(server.requests[first]!.aborted).toBe(true);
  });

  it("a 400 is not retried: the task FAILS naming the provider, model and status", async () => {
    const ctx = await start(x, fresh(), responses.env(server));
    const first = server.requests.length;
    server.setScript(
      sequence({ status: 400, body: { error: { message: "Invalid schema for function", type: "invalid_request_error" } } }),
    );
    const task = await ctx.create("Finish", responses.model);
    const done = await ctx.until(task.id, (t) => t.status === "FAILED", "failed");
    expect(done.error).toContain("The model call to openai/gpt-scripted failed (HTTP 400)");
    expect(done.error).toContain("Invalid schema for function");
    expect(server.requests.length - first).toBe(1);
  });

  it("past 75% of the context window the conversation is summarised (B§3.4) and the summary replaces it", async () => {
    const ctx = await start(x, fresh(), { ...anthropic.env(server), ANTHROPIC_MODELS: "claude-small:1000" });
    const model = { provider: "anthropic", name: "claude-small", title: "claude-small" };
    const first = server.requests.length;
    server.setScript(
      sequence(
        { blocks: [tool("computer_screenshot")], usage: { input: 700, output: 60 } },
        { blocks: [{ text: "SUMMARY: took one screenshot; nothing typed yet" }] },
        completed("Done after the summary"),
      ),
    );
    const task = await ctx.create("A long job whose description must be summarised away", model);
    const done = await ctx.until(task.id, (t) => ["COMPLETED", "FAILED"].includes(t.status), "finished");
    expect(done, done.error).toMatchObject({ status: "COMPLETED" });

    const [call, summaryCall, after] = server.requests.slice(first) as [ModelRequest, ModelRequest, ModelRequest];
    expect(call.hasTools).toBe(true);
    expect(summaryCall.hasTools).toBe(false);
    expect(JSON.stringify(summaryCall.body.messages.at(-1))).toContain("Reply with only the summary");
    const sent = JSON.stringify(after.body.messages);
    expect(sent).toContain("SUMMARY: took one screenshot; nothing typed yet");
    expect(sent).not.toContain("must be summarised away");
    expect(sent).toContain("computer_screenshot"); // the newest reply stays, with its result
    expectToolPairs(after);

    const rows = (await ctx.deps.db.execute({ sql: "SELECT id, content FROM task_summaries WHERE task_id = ?", args: [task.id] }))
      .rows;
    expect(rows.map((r) => r.content)).toEqual(["SUMMARY: took one screenshot; nothing typed yet"]);
    const messages = await ctx.messages(task.id);
    expect(messages[0]).toMatchObject({ role: "USER", summaryId: rows[0]!.id });
    expect(messages[1]).toMatchObject({ role: "ASSISTANT", summaryId: null });
  });

  it("the budget ends a model that never finishes as FAILED with the reason", async () => {
    const ctx = await start(x, fresh(), { ...chat.env(server), DESKTOP_AGENT_MAX_ITERATIONS: "2" });
    const first = server.requests.length;
    server.setScript(() => ({ blocks: [tool("computer_cursor_position")] }));
    const task = await ctx.create("Never finish", chat.model);
    const done = await ctx.until(task.id, (t) => t.status === "FAILED", "failed");
    expect(done.error).toBe("The desktop agent reached its budget: 2 model calls (DESKTOP_AGENT_MAX_ITERATIONS)");
    expect(server.requests.length - first).toBe(2);
    const results = (await ctx.messages(task.id)).filter((m) => m.role === "USER" && m.content[0]?.type === "tool_result");
    expect(results[0]?.content[0].content[0].text).toMatch(/^Cursor position: \d+, \d+$/);
  });

  it("bad tool input is answered as an error the model can correct; create_task makes an ASSISTANT task on the same model", async () => {
    const ctx = await start(x, fresh(), anthropic.env(server));
    server.setScript(
      sequence(
        {
          blocks: [
            tool("computer_type_keys", { keys: ["NoSuchKey"] }),
            tool("computer_fly", {}),
            tool("create_task", {
              description: "Follow-up report",
              type: "SCHEDULED",
              scheduledFor: "2099-01-01T09:00:00Z",
              priority: "HIGH",
            }),
          ],
        },
        completed(),
      ),
    );
    const task = await ctx.create("Try things", anthropic.model);
    await ctx.until(task.id, (t) => t.status === "COMPLETED", "completed");
    const results = (await ctx.messages(task.id))[2]!.content as Json[];
    expect(results[0]).toMatchObject({ is_error: true });
    expect(results[0]!.content[0].text).toContain("NoSuchKey");
    expect(results[1]).toMatchObject({ is_error: true, content: [{ text: "Unknown tool: computer_fly" }] });
    expect(results[2]!.content[0].text).toMatch(/^The task has been created \(id [0-9a-f-]+\)$/);
    const created = (await ctx.call("GET", "/tasks?limit=10")).body;
    const list = (created.tasks ?? created) as Json[];
    expect(list.find((t) => t.description === "Follow-up report")).toMatchObject({
      createdBy: "ASSISTANT",
      kind: "desktop",
      type: "SCHEDULED",
      priority: "HIGH",
      model: anthropic.model,
    });
  });

  it("computer_application opens a real window; computer_read_file gives the model the file's content", async () => {
    const work = fresh();
    const ctx = await start(x, work, chat.env(server));
    writeFileSync(join(work, "files", "notes.txt"), "the secret word is pelican\n");
    const first = server.requests.length;
    server.setScript(
      sequence(
        {
          blocks: [tool("computer_application", { application: "terminal" }), tool("computer_read_file", { path: "notes.txt" })],
        },
        completed("Opened the terminal and read the notes"),
      ),
    );
    const task = await ctx.create("Open a terminal and read notes.txt", chat.model);
    await ctx.until(task.id, (t) => t.status === "COMPLETED", "completed");
    const [opened, read] = (await ctx.messages(task.id))[2]!.content as Json[];
    expect(opened!.content[0].text).toMatch(/^Tool executed successfully: .*"state":"launched"/);
    expect(opened!.content[1]).toMatchObject({ type: "image" });
    expect(read!.content).toEqual([
      {
        type: "document",
        source: {
          type: "base64",
          media_type: "text/plain",
          data: Buffer.from("the secret word is pelican\n").toString("base64"),
        },
        name: "notes.txt",
        size: 27,
      },
    ]);
    // The window is really there (its WM_CLASS is the configured one) …
    const windows = (await x.run("wmctrl", ["-l", "-x"])).split("\n").filter((line) => line.includes("AppTerm"));
    expect(windows).toHaveLength(1);
    // … and the model was given the document's text.
    expect(JSON.stringify(server.requests[first + 1]!.body.messages)).toContain("the secret word is pelican");
    const id = String(Number.parseInt(windows[0]!.split(/\s+/)[0]!, 16));
    const pid = Number((await x.run("xdotool", ["getwindowpid", id])).trim());
    if (pid > 1) process.kill(pid, "SIGTERM");
  });

  it("a model configured without images gets a clear task error before any call", async () => {
    const ctx = await start(x, fresh(), {
      DESKTOP_AGENT_PROVIDERS: JSON.stringify([
        { name: "textonly", baseUrl: server.urls.openai, models: [{ name: "text-model", images: false }] },
      ]),
    });
    const first = server.requests.length;
    const task = await ctx.create("Look at the screen", { provider: "textonly", name: "text-model", title: "text-model" });
    const done = await ctx.until(task.id, (t) => t.status === "FAILED", "failed");
    expect(done.error).toBe(
      "The model textonly/text-model cannot take images, and the desktop agent works from screenshots: choose a model that accepts images",
    );
    expect(server.requests.length).toBe(first);
  });
});
