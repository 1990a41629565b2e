import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startOpenAIServer } from "../support/openai-server";
import { postJson } from "../support/server-process";
import {
  cliBin,
  executeTurn,
  expectResumed,
  expectScriptedFiles,
  expectToolsFinished,
  FOLLOW_UP_PROMPT,
  getRun,
  ofType,
  runEvents,
  SCRIPTED_SUCCESS,
  useAgentRunner,
  withBareRunner,
} from "./harness";
import { codexScript } from "./scripts";

/** Codex's own configuration: a Responses-API provider at the scripted server, its key in CODEX_SCRIPTED_KEY. */
function writeCodexHome(dir: string, baseUrl: string): string {
  const home = join(dir, "codex-home");
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, "config.toml"),
    [
      'model_provider = "scripted"',
      "[model_providers.scripted]",
      'name = "scripted"',
      `base_url = "${baseUrl}"`,
      'wire_api = "responses"',
      'env_key = "CODEX_SCRIPTED_KEY"',
      "",
    ].join("\n"),
  );
  return home;
}

describe("Codex (real CLI 0.169.0) through the runner's HTTP API", () => {
  const ctx = useAgentRunner("codex", async (ws) => {
    const model = await startOpenAIServer(codexScript);
    return {
      model,
      env: { CODEX_CLI_PATH: cliBin("codex"), CODEX_HOME: writeCodexHome(ws.dir, model.url), CODEX_SCRIPTED_KEY: "sk-scripted" },
    };
  });
  let threadId = "";

  it("runs a shell command and applies a patch; the events show both tool calls; the thread id is kept", async () => {
    const { ws, model, runner } = ctx;
    const res = await executeTurn(runner, "codex", "Record that you ran, then add the notes file.", { model: "gpt-5.5" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(SCRIPTED_SUCCESS);
    expect(res.body.command).toEqual(expect.arrayContaining(["exec", "--json", "-m", "gpt-5.5"]));
    expect(model.requests[0]?.model).toBe("gpt-5.5");
    expectScriptedFiles(ws.repo, "codex");

    const run = await getRun(runner.url, res.body.runId);
    expect(run).toMatchObject({ agent: "codex", model: "gpt-5.5", status: "succeeded" });
    threadId = run.sessionId;
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);

    const events = await runEvents(runner.url, res.body.runId);
    expect(ofType(events, "session")[0]?.sessionId).toBe(threadId);
    expect(ofType(events, "tool_started").map((e) => e.tool)).toEqual(["command_execution", "file_change"]);
    expect(ofType(events, "tool_started")[0]?.input).toEqual({ command: expect.stringContaining("echo ran > ran.txt") });
    expectToolsFinished(events, ["command_execution", "file_change"]);
    expect(ofType(events, "file_change")).toEqual([expect.objectContaining({ path: join(ws.repo, "notes.txt"), kind: "add" })]);
    expect(ofType(events, "result")[0]).toMatchObject({ isError: false, text: "All done.", usage: expect.any(Object) });
  });

  it("resumes the same Codex thread (`exec resume`) on a follow-up in the same conversation", async () => {
    // Same model as the first turn: on a model switch Codex drops earlier tool items from the history.
    const res = await executeTurn(ctx.runner, "codex", FOLLOW_UP_PROMPT, { model: "gpt-5.5" });
    expect(res.body).toMatchObject({ agentSucceeded: true, output: "Follow-up: I saw 2 earlier tool outputs." });
    await expectResumed(ctx.runner, res, "resume", threadId);
  });

  it("reports a missing provider key as a clear setup error", async () => {
    const env = (bare: { dir: string }) => ({
      CODEX_CLI_PATH: cliBin("codex"),
      CODEX_HOME: writeCodexHome(bare.dir, ctx.model.url),
    });
    await withBareRunner("codex-nokey", env, async (noKey) => {
      const res = await postJson(`${noKey.url}/cursor/execute`, { prompt: "hi", repository: "demo", agent: "codex" });
      expect(res.body).toMatchObject({ agentSucceeded: false, status: "failed" });
      expect(res.body.error).toContain("Codex is not configured");
      expect(res.body.error).toContain("CODEX_SCRIPTED_KEY");
    });
  });
});
