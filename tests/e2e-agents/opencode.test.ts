import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAIServer, startOpenAIServer } from "../support/openai-server";
import { postJson, type ServerProcess } from "../support/server-process";
import { type AgentWorkspace, cliBin, getRun, makeWorkspace, ofType, runEvents, startRunner } from "./harness";
import { opencodeScript } from "./scripts";

/** opencode's own configuration (OPENCODE_CONFIG_CONTENT): its bundled OpenAI provider at the scripted server. */
const opencodeConfig = (baseURL: string) =>
  JSON.stringify({
    autoupdate: false,
    share: "disabled",
    model: "scripted/model",
    provider: {
      scripted: {
        npm: "@ai-sdk/openai",
        name: "Scripted",
        options: { baseURL, apiKey: "sk-scripted" },
        models: { model: { name: "Model" } },
      },
    },
  });

describe("opencode (real CLI 1.18.33) through the runner's HTTP API", () => {
  let ws: AgentWorkspace;
  let model: OpenAIServer;
  let runner: ServerProcess;
  let sessionId = "";

  beforeAll(async () => {
    ws = makeWorkspace("opencode");
    model = await startOpenAIServer(opencodeScript(ws.repo));
    runner = await startRunner(ws, { OPENCODE_CLI_PATH: cliBin("opencode"), OPENCODE_CONFIG_CONTENT: opencodeConfig(model.url) });
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
      agent: "opencode",
      conversationId: "conv-opencode",
    });
    expect(res.body).toMatchObject({ success: true, agentSucceeded: true, status: "succeeded", output: "All done." });
    expect(readFileSync(join(ws.repo, "ran.txt"), "utf8").trim()).toBe("ran");
    expect(readFileSync(join(ws.repo, "notes.txt"), "utf8")).toBe("hello from opencode\n");

    sessionId = (await getRun(runner.url, res.body.runId)).sessionId;
    expect(sessionId).toMatch(/^ses_/);
    const events = await runEvents(runner.url, res.body.runId);
    expect(ofType(events, "tool_started").map((e) => [e.tool, e.input])).toEqual([
      ["bash", { command: "echo ran > ran.txt", description: "Record the run" }],
      ["write", { filePath: join(ws.repo, "notes.txt"), content: "hello from opencode\n" }],
    ]);
    expect(ofType(events, "tool_finished").map((e) => [e.tool, e.isError])).toEqual([
      ["bash", false],
      ["write", false],
    ]);
    expect(ofType(events, "file_change")).toEqual([expect.objectContaining({ path: join(ws.repo, "notes.txt"), kind: "add" })]);
    expect(ofType(events, "result")).toEqual([expect.objectContaining({ isError: false, text: "All done." })]);
  });

  it("continues the same opencode session on a follow-up in the same conversation", async () => {
    const res = await postJson(`${runner.url}/cursor/execute`, {
      prompt: "FOLLOWUP: what did you do?",
      repository: "demo",
      agent: "opencode",
      conversationId: "conv-opencode",
    });
    expect(res.body).toMatchObject({ agentSucceeded: true, output: "Follow-up: I saw 2 earlier tool outputs." });
    expect(res.body.command).toEqual(expect.arrayContaining(["-s", sessionId]));
    expect((await getRun(runner.url, res.body.runId)).sessionId).toBe(sessionId);
  });
});
