import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startGeminiServer } from "./gemini-server";
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
} from "./harness";
import { geminiScript } from "./scripts";

/** Gemini CLI picks its auth method from settings; with a base URL alone it refuses ("Invalid auth method"). */
function writeGeminiSettings(home: string) {
  mkdirSync(join(home, ".gemini"), { recursive: true });
  const settings = { security: { auth: { selectedType: "gemini-api-key" } }, privacy: { usageStatisticsEnabled: false } };
  writeFileSync(join(home, ".gemini", "settings.json"), JSON.stringify(settings));
}

describe("Gemini CLI (real CLI 0.61.0) through the runner's HTTP API", () => {
  const ctx = useAgentRunner("gemini", async (ws) => {
    writeGeminiSettings(ws.home);
    const model = await startGeminiServer(geminiScript(ws.repo));
    return {
      model,
      env: { GEMINI_CLI_PATH: cliBin("gemini"), GOOGLE_GEMINI_BASE_URL: model.url, GEMINI_API_KEY: "scripted-key" },
    };
  });
  let sessionId = "";

  it("runs a shell command and writes a file; the events show both tool calls; the session id is kept", async () => {
    const { ws, model, runner } = ctx;
    // An explicit model skips Gemini CLI's model-routing calls.
    const res = await executeTurn(runner, "gemini", FIRST_PROMPT, { model: "gemini-2.5-flash" });
    expect(res.body).toMatchObject(SCRIPTED_SUCCESS);
    expect(model.requests[0]?.model).toBe("gemini-2.5-flash");
    expectScriptedFiles(ws.repo, "gemini");

    sessionId = (await getRun(runner.url, res.body.runId)).sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const events = await runEvents(runner.url, res.body.runId);
    expect(ofType(events, "tool_started").map((e) => [e.tool, e.input])).toEqual([
      ["run_shell_command", { command: "echo ran > ran.txt", description: "Record the run" }],
      ["write_file", { file_path: join(ws.repo, "notes.txt"), content: "hello from gemini\n" }],
    ]);
    expectToolsFinished(events, ["run_shell_command", "write_file"]);
    expect(ofType(events, "file_change")).toEqual([expect.objectContaining({ path: join(ws.repo, "notes.txt") })]);
    expect(ofType(events, "result")[0]).toMatchObject({ isError: false, text: "All done." });
  });

  it("resumes the same Gemini session on a follow-up in the same conversation", async () => {
    const res = await executeTurn(ctx.runner, "gemini", FOLLOW_UP_PROMPT, { model: "gemini-2.5-flash" });
    expect(res.body).toMatchObject({
      agentSucceeded: true,
      output: expect.stringMatching(/^Follow-up: I saw [1-9]\d* earlier tool results\.$/),
    });
    await expectResumed(ctx.runner, res, "--resume", sessionId);
  });
});
