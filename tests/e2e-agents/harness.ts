// Node-only: temp workspaces, the pinned agent CLIs, the real runner process and the shared turn checks for end-to-end agent tests.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import type { RunEventBody } from "../../src/agents/events";
import { postJson, type ServerProcess, startServerProcess } from "../support/server-process";
import { readSse } from "../support/sse";

const ROOT = join(import.meta.dirname, "..", "..");

export type AgentName = "claude" | "codex" | "gemini" | "opencode";

/** The devDependency's executable (node_modules/.bin/<name>), exactly what `npm ci` installs. */
export const cliBin = (name: AgentName) => join(ROOT, "node_modules", ".bin", name);

/** Telemetry, update checks and error reports off: the scripted server must be the only endpoint. */
export const OFFLINE_ENV = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  DISABLE_AUTOUPDATER: "1",
  DISABLE_TELEMETRY: "1",
  DISABLE_ERROR_REPORTING: "1",
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  GEMINI_TELEMETRY_ENABLED: "false",
};

export interface AgentWorkspace {
  dir: string;
  /** The repository the runs work in (REPOSITORIES_PATH/demo). */
  repo: string;
  /** An isolated HOME for the runner and its agents. */
  home: string;
  cleanup(): void;
}

export function makeWorkspace(prefix: string): AgentWorkspace {
  const dir = mkdtempSync(join(tmpdir(), `runner-${prefix}-`));
  const repo = join(dir, "repos", "demo");
  const home = join(dir, "home");
  mkdirSync(repo, { recursive: true });
  mkdirSync(home, { recursive: true });
  return { dir, repo, home, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The runner as deployed (`node --import tsx src/node/server.ts`), its agents configured only through `env`. */
export function startRunner(ws: AgentWorkspace, env: Record<string, string>): Promise<ServerProcess> {
  return startServerProcess({
    DATABASE_URL: `file:${join(ws.dir, "runner.db")}`,
    REPOSITORIES_PATH: join(ws.dir, "repos"),
    HOME: ws.home,
    LOG_LEVEL: "warn",
    ...OFFLINE_ENV,
    ...env,
  });
}

/** A finished run's events as a client sees them: the SSE replay of GET /runs/:id/events. */
export async function runEvents(url: string, runId: string): Promise<RunEventBody[]> {
  const messages = await readSse(`${url}/runs/${runId}/events`);
  return messages.filter((m) => m.id).map((m) => JSON.parse(m.data) as RunEventBody);
}

export const getRun = async (url: string, id: string) => (await (await fetch(`${url}/runs/${id}`)).json()) as Record<string, any>;

export const ofType = <T extends RunEventBody["type"]>(events: RunEventBody[], type: T) =>
  events.filter((event): event is Extract<RunEventBody, { type: T }> => event.type === type);

/** One agent suite's live pieces: its workspace, its scripted model server and the runner over both. */
export interface AgentRunner<M> {
  ws: AgentWorkspace;
  model: M;
  runner: ServerProcess;
}

/** Registers beforeAll/afterAll: a workspace, the model server `start` returns with the agent's env, and the runner. */
export function useAgentRunner<M extends { close(): Promise<void> }>(
  prefix: string,
  start: (ws: AgentWorkspace) => Promise<{ model: M; env: Record<string, string> }>,
): AgentRunner<M> {
  const ctx = {} as AgentRunner<M>;
  beforeAll(async () => {
    ctx.ws = makeWorkspace(prefix);
    const { model, env } = await start(ctx.ws);
    ctx.model = model;
    // Endpoint and key reach the agent only through the runner's own environment.
    ctx.runner = await startRunner(ctx.ws, env);
  });
  afterAll(async () => {
    await ctx.runner?.stop();
    await ctx.model?.close();
    ctx.ws?.cleanup();
  });
  return ctx;
}

/** Runs `check` against a second runner in a fresh workspace (`env` built for it), then stops and removes both. */
export async function withBareRunner(
  prefix: string,
  env: (ws: AgentWorkspace) => Record<string, string>,
  check: (runner: ServerProcess, ws: AgentWorkspace) => Promise<void>,
): Promise<void> {
  const bare = makeWorkspace(prefix);
  const runner = await startRunner(bare, env(bare));
  try {
    await check(runner, bare);
  } finally {
    await runner.stop();
    bare.cleanup();
  }
}

/** The scripted first turn's prompt: run a shell command, then write notes.txt. */
export const FIRST_PROMPT = "Record that you ran, then write the notes file.";
/** A prompt the scripts answer with how many earlier tool results they were sent. */
export const FOLLOW_UP_PROMPT = "FOLLOWUP: what did you do?";

/** The /cursor/execute answer of a scripted turn that ended well ("All done.", exit 0). */
export const SCRIPTED_SUCCESS = { success: true, agentSucceeded: true, status: "succeeded", output: "All done.", exitCode: 0 };

/** POST /cursor/execute: `agent` in repository "demo", in conversation `conv-<agent>`, plus `extra` (e.g. model). */
export const executeTurn = (runner: ServerProcess, agent: AgentName, prompt: string, extra: Record<string, string> = {}) =>
  postJson(`${runner.url}/cursor/execute`, { prompt, repository: "demo", agent, conversationId: `conv-${agent}`, ...extra });

/** Asserts the scripted turn's work on disk: ran.txt from the shell command, notes.txt from the write. */
export function expectScriptedFiles(repo: string, agent: AgentName) {
  expect(readFileSync(join(repo, "ran.txt"), "utf8").trim()).toBe("ran");
  expect(readFileSync(join(repo, "notes.txt"), "utf8")).toBe(`hello from ${agent}\n`);
}

/** Asserts the run's tool_finished events: exactly `tools`, in order, none an error. */
export function expectToolsFinished(events: RunEventBody[], tools: string[]) {
  expect(ofType(events, "tool_finished").map((e) => [e.tool, e.isError])).toEqual(tools.map((tool) => [tool, false]));
}

/** Asserts a follow-up resumed `sessionId`: its argv has `flag sessionId` and its run records that session. */
export async function expectResumed(
  runner: ServerProcess,
  res: { body: Record<string, any> },
  flag: string,
  sessionId: string | undefined,
) {
  expect(res.body.command).toEqual(expect.arrayContaining([flag, sessionId]));
  expect((await getRun(runner.url, res.body.runId)).sessionId).toBe(sessionId);
}
