import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_AGENT, postJson, type ServerProcess } from "../support/server-process";
import { type AgentWorkspace, cliBin, makeWorkspace, startRunner } from "./harness";

describe("agent selection through the real HTTP server", () => {
  let ws: AgentWorkspace;
  let runner: ServerProcess;

  beforeAll(async () => {
    ws = makeWorkspace("agents");
    runner = await startRunner(ws, {
      CURSOR_CLI_PATH: FAKE_AGENT,
      CLAUDE_CLI_PATH: cliBin("claude"),
      CODEX_CLI_PATH: cliBin("codex"),
      GEMINI_CLI_PATH: cliBin("gemini"),
      OPENCODE_CLI_PATH: "opencode-not-installed-here",
    });
  });

  afterAll(async () => {
    await runner?.stop();
    ws?.cleanup();
  });

  it("GET /agents lists every adapter, whether its executable was found, and its real version", async () => {
    const res = await fetch(`${runner.url}/agents`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { default: string; agents: Record<string, unknown>[] };
    expect(body.default).toBe("cursor");
    const byName = Object.fromEntries(body.agents.map((agent) => [agent.name, agent]));
    expect(Object.keys(byName)).toEqual(["cursor", "claude", "codex", "gemini", "opencode"]);
    expect(byName.claude).toMatchObject({ available: true, setting: "CLAUDE_CLI_PATH", version: "2.1.197 (Claude Code)" });
    expect(byName.codex).toMatchObject({ available: true, version: "codex-cli 0.169.0" });
    expect(byName.gemini).toMatchObject({ available: true, version: "0.61.0" });
    expect(byName.cursor).toMatchObject({ available: true, default: true, path: FAKE_AGENT });
    expect(byName.opencode).toMatchObject({
      available: false,
      command: "opencode-not-installed-here",
      error: "opencode-not-installed-here was not found on PATH; set OPENCODE_CLI_PATH to its location",
    });
  });

  it("answers 400 listing the valid agents for an unknown one", async () => {
    const res = await postJson(`${runner.url}/cursor/execute`, { prompt: "x", repository: "demo", agent: "aider" });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("agent must be one of: cursor, claude, codex, gemini, opencode");
  });

  it("answers 503 naming the requested agent's executable when it is missing", async () => {
    const res = await postJson(`${runner.url}/cursor/execute`, { prompt: "x", repository: "demo", agent: "opencode" });
    expect(res.status).toBe(503);
    expect(res.body.error).toContain("OPENCODE_CLI_PATH");
  });

  it("runs DEFAULT_AGENT (cursor) when the request names none", async () => {
    const res = await postJson(`${runner.url}/cursor/execute`, { prompt: "SAY hi", repository: "demo" });
    expect(res.body).toMatchObject({ agentSucceeded: true, output: "hi" });
    const run = (await (await fetch(`${runner.url}/runs/${res.body.runId}`)).json()) as Record<string, unknown>;
    expect(run).toMatchObject({ agent: "cursor", model: null });
  });
});
