import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAIServer, startOpenAIServer } from "../support/openai-server";
import { postJson, type ServerProcess } from "../support/server-process";
import { type AgentWorkspace, cliBin, getRun, makeWorkspace, ofType, runEvents, startRunner } from "./harness";
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
  let ws: AgentWorkspace;
  let model: OpenAIServer;
  let runner: ServerProcess;
  let threadId = "";

  beforeAll(async () => {
    ws = makeWorkspace("codex");
    model = await startOpenAIServer(codexScript);
    runner = await startRunner(ws, {
      CODEX_CLI_PATH: cliBin("codex"),
      CODEX_HOME: writeCodexHome(ws.dir, model.url),
      CODEX_SCRIPTED_KEY: "sk-scripted",
    });
  });

  afterAll(async () => {
    await runner?.stop();
    await model?.close();
    ws?.cleanup();
  });

  it("runs a shell command and applies a patch; the events show both tool calls; the thread id is kept", async () => {
    const res = await postJson(`${runner.url}/cursor/execute`, {
      prompt: "Record that you ran, then add the notes file.",
      repository: "demo",
      agent: "codex",
      model: "gpt-5.5",
      conversationId: "conv-codex",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      agentSucceeded: true,
      status: "succeeded",
      output: "All done.",
      exitCode: 0,
    });
    expect(res.body.command).toEqual(expect.arrayContaining(["exec", "--json", "-m", "gpt-5.5"]));
    expect(model.requests[0]?.model).toBe("gpt-5.5");
    expect(readFileSync(join(ws.repo, "ran.txt"), "utf8").trim()).toBe("ran");
    expect(readFileSync(join(ws.repo, "notes.txt"), "utf8")).toBe("hello from codex\n");

    const run = await getRun(runner.url, res.body.runId);
    expect(run).toMatchObject({ agent: "codex", model: "gpt-5.5", status: "succeeded" });
    threadId = run.sessionId;
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);

    const events = await runEvents(runner.url, res.body.runId);
    expect(ofType(events, "session")[0]?.sessionId).toBe(threadId);
    expect(ofType(events, "tool_started").map((e) => e.tool)).toEqual(["command_execution", "file_change"]);
    expect(ofType(events, "tool_started")[0]?.input).toEqual({ command: expect.stringContaining("echo ran > ran.txt") });
    expect(ofType(events, "tool_finished").map((e) => [e.tool, e.isError])).toEqual([
      ["command_execution", false],
      ["file_change", false],
    ]);
    expect(ofType(events, "file_change")).toEqual([expect.objectContaining({ path: join(ws.repo, "notes.txt"), kind: "add" })]);
    expect(ofType(events, "result")[0]).toMatchObject({ isError: false, text: "All done.", usage: expect.any(Object) });
  });

  it("resumes the same Codex thread (`exec resume`) on a follow-up in the same conversation", async () => {
    const res = await postJson(`${runner.url}/cursor/execute`, {
      prompt: "FOLLOWUP: what did you do?",
      repository: "demo",
      agent: "codex",
      // Same model as the first turn: on a model switch Codex drops earlier tool items from the history.
      model: "gpt-5.5",
      conversationId: "conv-codex",
    });
    expect(res.body).toMatchObject({ agentSucceeded: true, output: "Follow-up: I saw 2 earlier tool outputs." });
    expect(res.body.command).toEqual(expect.arrayContaining(["resume", threadId]));
    expect((await getRun(runner.url, res.body.runId)).sessionId).toBe(threadId);
  });

  it("reports a missing provider key as a clear setup error", async () => {
    const bare = makeWorkspace("codex-nokey");
    const noKey = await startRunner(bare, { CODEX_CLI_PATH: cliBin("codex"), CODEX_HOME: writeCodexHome(bare.dir, model.url) });
    try {
      const res = await postJson(`${noKey.url}/cursor/execute`, { prompt: "hi", repository: "demo", agent: "codex" });
      expect(res.body).toMatchObject({ agentSucceeded: false, status: "failed" });
      expect(res.body.error).toContain("Codex is not configured");
      expect(res.body.error).toContain("CODEX_SCRIPTED_KEY");
    } finally {
      await noKey.stop();
      bare.cleanup();
    }
  });
});
