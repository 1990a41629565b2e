import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startOpenAIServer } from "../support/openai-server";
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
  useAgentRunner,
} from "./harness";
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
  const ctx = useAgentRunner("opencode", async (ws) => {
    const model = await startOpenAIServer(opencodeScript(ws.repo));
    return { model, env: { OPENCODE_CLI_PATH: cliBin("opencode"), OPENCODE_CONFIG_CONTENT: opencodeConfig(model.url) } };
  });
  let sessionId = "";

  it("runs a shell command and writes a file; the events show both tool calls; the session id is kept", async () => {
    const { ws, runner } = ctx;
    const res = await executeTurn(runner, "opencode", FIRST_PROMPT);
    expect(res.body).toMatchObject({ success: true, agentSucceeded: true, status: "succeeded", output: "All done." });
    expectScriptedFiles(ws.repo, "opencode");

    sessionId = (await getRun(runner.url, res.body.runId)).sessionId;
    expect(sessionId).toMatch(/^ses_/);
    const events = await runEvents(runner.url, res.body.runId);
    expect(ofType(events, "tool_started").map((e) => [e.tool, e.input])).toEqual([
      ["bash", { command: "echo ran > ran.txt", description: "Record the run" }],
      ["write", { filePath: join(ws.repo, "notes.txt"), content: "hello from opencode\n" }],
    ]);
    expectToolsFinished(events, ["bash", "write"]);
    expect(ofType(events, "file_change")).toEqual([expect.objectContaining({ path: join(ws.repo, "notes.txt"), kind: "add" })]);
    expect(ofType(events, "result")).toEqual([expect.objectContaining({ isError: false, text: "All done." })]);
  });

  it("continues the same opencode session on a follow-up in the same conversation", async () => {
    const res = await executeTurn(ctx.runner, "opencode", FOLLOW_UP_PROMPT);
    expect(res.body).toMatchObject({ agentSucceeded: true, output: "Follow-up: I saw 2 earlier tool outputs." });
    await expectResumed(ctx.runner, res, "-s", sessionId);
  });
});
