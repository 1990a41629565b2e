import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnthropicServer, startAnthropicServer } from "../support/anthropic-server";
import { postJson, type ServerProcess } from "../support/server-process";
import { type AgentWorkspace, cliBin, getRun, makeWorkspace, ofType, runEvents, startRunner } from "./harness";
import { claudeScript } from "./scripts";

describe("Claude Code (real CLI 2.1.197) through the runner's HTTP API", () => {
  let ws: AgentWorkspace;
  let model: AnthropicServer;
  let runner: ServerProcess;
  let firstRunId = "";

  beforeAll(async () => {
    ws = makeWorkspace("claude");
    model = await startAnthropicServer(claudeScript(ws.repo));
    // Endpoint and key reach the agent only through the runner's own environment.
    runner = await startRunner(ws, {
      CLAUDE_CLI_PATH: cliBin("claude"),
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: "sk-ant-scripted",
    });
  });

  afterAll(async () => {
    await runner?.stop();
    await model?.close();
    ws?.cleanup();
  });

  it("runs a shell command and writes a file; the events show both tool calls; the session id is kept", async () => {
    const res = await postJson(`${runner.url}/cursor/execute`, {
      prompt: "Record that you ran, then write the notes file.",
      repository: "demo",
      agent: "claude",
      conversationId: "conv-claude",
    });
    expect(res.status).toBe(200);
    firstRunId = res.body.runId;
    expect(res.body).toMatchObject({
      success: true,
      agentSucceeded: true,
      status: "succeeded",
      output: "All done.",
      exitCode: 0,
    });
    expect(res.body.command.slice(0, 4)).toEqual(["-p", "--output-format", "stream-json", "--verbose"]);
    expect(readFileSync(join(ws.repo, "ran.txt"), "utf8").trim()).toBe("ran");
    expect(readFileSync(join(ws.repo, "notes.txt"), "utf8")).toBe("hello from claude\n");

    const run = await getRun(runner.url, res.body.runId);
    expect(run).toMatchObject({ agent: "claude", status: "succeeded", conversationId: "conv-claude" });
    expect(run.sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const events = await runEvents(runner.url, res.body.runId);
    expect(ofType(events, "session")[0]?.sessionId).toBe(run.sessionId);
    const started = ofType(events, "tool_started");
    expect(started.map((e) => [e.tool, e.input])).toEqual([
      ["Bash", { command: "echo ran > ran.txt", description: "Record the run" }],
      ["Write", { file_path: join(ws.repo, "notes.txt"), content: "hello from claude\n" }],
    ]);
    expect(ofType(events, "tool_finished").map((e) => [e.tool, e.isError])).toEqual([
      ["Bash", false],
      ["Write", false],
    ]);
    expect(ofType(events, "file_change")).toEqual([expect.objectContaining({ path: join(ws.repo, "notes.txt"), kind: "add" })]);
    expect(ofType(events, "result")[0]).toMatchObject({ isError: false, text: "All done.", costUsd: expect.any(Number) });
  });

  it("resumes the same Claude session on a follow-up in the same conversation", async () => {
    const first = ofType(await runEvents(runner.url, firstRunId), "session")[0]?.sessionId;
    const res = await postJson(`${runner.url}/cursor/execute`, {
      prompt: "FOLLOWUP: what did you do?",
      repository: "demo",
      agent: "claude",
      conversationId: "conv-claude",
    });
    expect(res.body).toMatchObject({ agentSucceeded: true, output: "Follow-up: I saw 2 earlier tool results." });
    expect(res.body.command).toEqual(expect.arrayContaining(["--resume", first]));
    expect((await getRun(runner.url, res.body.runId)).sessionId).toBe(first);
    // The CLI sent the earlier turns (both tool results) back to the model: it really resumed.
    expect(JSON.stringify(model.requests.at(-1)?.messages)).toContain("tool_result");
  });

  it("reports a run without an API key as a clear setup error", async () => {
    const bare = makeWorkspace("claude-nokey");
    const noKey = await startRunner(bare, { CLAUDE_CLI_PATH: cliBin("claude"), ANTHROPIC_BASE_URL: model.url });
    try {
      const res = await postJson(`${noKey.url}/cursor/execute`, { prompt: "hi", repository: "demo", agent: "claude" });
      expect(res.body).toMatchObject({ agentSucceeded: false, status: "failed" });
      expect(res.body.error).toContain("ANTHROPIC_API_KEY");
      expect(existsSync(join(bare.repo, "ran.txt"))).toBe(false);
    } finally {
      await noKey.stop();
      bare.cleanup();
    }
  });
});
