import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startAnthropicServer } from "../support/anthropic-server";
import { postJson } from "../support/server-process";
import {
  cliBin,
  executeTurn,
  expectResumed,
  expectScriptedFiles,
  expectToolsFinished,
  FIRST_PROMPT,
  FOLLOW_UP_PROMPT,
  getRun,
  ofType,
  runEvents,
  SCRIPTED_SUCCESS,
  useAgentRunner,
  withBareRunner,
} from "./harness";
import { claudeScript } from "./scripts";

describe("Claude Code (real CLI 2.1.197) through the runner's HTTP API", () => {
  const ctx = useAgentRunner("claude", async (ws) => {
    const model = await startAnthropicServer(claudeScript(ws.repo));
    return {
      model,
      env: { CLAUDE_CLI_PATH: cliBin("claude"), ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: "sk-ant-scripted" },
    };
  });
  let firstRunId = "";

  it("runs a shell command and writes a file; the events show both tool calls; the session id is kept", async () => {
    const { ws, runner } = ctx;
    const res = await executeTurn(runner, "claude", FIRST_PROMPT);
    expect(res.status).toBe(200);
    firstRunId = res.body.runId;
    expect(res.body).toMatchObject(SCRIPTED_SUCCESS);
    expect(res.body.command.slice(0, 4)).toEqual(["-p", "--output-format", "stream-json", "--verbose"]);
    expectScriptedFiles(ws.repo, "claude");

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
    expectToolsFinished(events, ["Bash", "Write"]);
    expect(ofType(events, "file_change")).toEqual([expect.objectContaining({ path: join(ws.repo, "notes.txt"), kind: "add" })]);
    expect(ofType(events, "result")[0]).toMatchObject({ isError: false, text: "All done.", costUsd: expect.any(Number) });
  });

  it("resumes the same Claude session on a follow-up in the same conversation", async () => {
    const { model, runner } = ctx;
    const first = ofType(await runEvents(runner.url, firstRunId), "session")[0]?.sessionId;
    const res = await executeTurn(runner, "claude", FOLLOW_UP_PROMPT);
    expect(res.body).toMatchObject({ agentSucceeded: true, output: "Follow-up: I saw 2 earlier tool results." });
    await expectResumed(runner, res, "--resume", first);
    // The CLI sent the earlier turns (both tool results) back to the model: it really resumed.
    expect(JSON.stringify(model.requests.at(-1)?.messages)).toContain("tool_result");
  });

  it("reports a run without an API key as a clear setup error", async () => {
    const env = () => ({ CLAUDE_CLI_PATH: cliBin("claude"), ANTHROPIC_BASE_URL: ctx.model.url });
    await withBareRunner("claude-nokey", env, async (noKey, bare) => {
      const res = await postJson(`${noKey.url}/cursor/execute`, { prompt: "hi", repository: "demo", agent: "claude" });
      expect(res.body).toMatchObject({ agentSucceeded: false, status: "failed" });
      expect(res.body.error).toContain("ANTHROPIC_API_KEY");
      expect(existsSync(join(bare.repo, "ran.txt"))).toBe(false);
    });
  });
});
