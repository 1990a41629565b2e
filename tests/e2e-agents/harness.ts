// Node-only: temp workspaces, the pinned agent CLIs and the real runner process for end-to-end agent tests.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunEventBody } from "../../src/agents/events";
import { type ServerProcess, startServerProcess } from "../support/server-process";
import { readSse } from "../support/sse";

const ROOT = join(import.meta.dirname, "..", "..");

/** The devDependency's executable (node_modules/.bin/<name>), exactly what `npm ci` installs. */
export const cliBin = (name: "claude" | "codex" | "gemini" | "opencode") => join(ROOT, "node_modules", ".bin", name);

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
