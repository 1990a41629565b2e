import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, type ServerProcess } from "../support/server-process";
import { type GeminiServer, startGeminiServer } from "./gemini-server";
import { type AgentWorkspace, cliBin, getRun, makeWorkspace, ofType, runEvents, startRunner } from "./harness";
import { geminiScript } from "./scripts";

/** Gemini CLI picks its auth method from settings; with a base URL alone it refuses ("Invalid auth method"). */
function writeGeminiSettings(home: string) {
  mkdirSync(join(home, ".gemini"), { recursive: true });
  const settings = { security: { auth: { selectedType: "gemini-api-key" } }, privacy: { usageStatisticsEnabled: false } };
  writeFileSync(join(home, ".gemini", "settings.json"), JSON.stringify(settings));
}

describe("Gemini CLI (real CLI 0.61.0) through the runner's HTTP API", () => {
  let ws: AgentWorkspace;
  let model: GeminiServer;
  let runner: ServerProcess;
  let sessionId = "";

  beforeAll(async () => {
    ws = makeWorkspace("gemini");
    writeGeminiSettings(ws.home);
    model = await startGeminiServer(geminiScript(ws.repo));
    runner = await startRunner(ws, {
      GEMINI_CLI_PATH: cliBin("gemini"),
      GOOGLE_GEMINI_BASE_URL: model.url,
      GEMINI_API_KEY: "scripted-key",
    });
  });

  afterAll(async () => {
    await runner?.stop();
    await model?.close();
    ws?.cleanup();
  });

  it("runs a shell command and writes a file; the events show both tool calls; the session id is kept", async () => {
    // An explicit model skips Gemini CLI's model-routing calls.
    const res = await postJson(`${runner.url}/cursor/execute`, {
      prompt: "Record that you ran, then write the notes file.",
      repository: "demo",
      agent: "gemini",
      model: "gemini-2.5-flash",
      conversationId: "conv-gemini",
    });
    expect(res.body).toMatchObject({
      success: true,
      agentSucceeded: true,
      status: "succeeded",
      output: "All done.",
      exitCode: 0,
    });
    expect(model.requests[0]?.model).toBe("gemini-2.5-flash");
    expect(readFileSync(join(ws.repo, "ran.txt"), "utf8").trim()).toBe("ran");
    expect(readFileSync(join(ws.repo, "notes.txt"), "utf8")).toBe("hello from gemini\n");

    sessionId = (await getRun(runner.url, res.body.runId)).sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const events = await runEvents(runner.url, res.body.runId);
    expect(ofType(events, "tool_started").map((e) => [e.tool, e.input])).toEqual([
      ["run_shell_command", { command: "echo ran > ran.txt", description: "Record the run" }],
      ["write_file", { file_path: join(ws.repo, "notes.txt"), content: "hello from gemini\n" }],
    ]);
    expect(ofType(events, "tool_finished").map((e) => [e.tool, e.isError])).toEqual([
      ["run_shell_command", false],
      ["write_file", false],
    ]);
    expect(ofType(events, "file_change")).toEqual([expect.objectContaining({ path: join(ws.repo, "notes.txt") })]);
    expect(ofType(events, "result")[0]).toMatchObject({ isError: false, text: "All done." });
  });

  it("resumes the same Gemini session on a follow-up in the same conversation", async () => {
    const res = await postJson(`${runner.url}/cursor/execute`, {
      prompt: "FOLLOWUP: what did you do?",
      repository: "demo",
      agent: "gemini",
      model: "gemini-2.5-flash",
      conversationId: "conv-gemini",
    });
    expect(res.body).toMatchObject({
      agentSucceeded: true,
      output: expect.stringMatching(/^Follow-up: I saw [1-9]\d* earlier tool results\.$/),
    });
    expect(res.body.command).toEqual(expect.arrayContaining(["--resume", sessionId]));
    expect((await getRun(runner.url, res.body.runId)).sessionId).toBe(sessionId);
  });
});
