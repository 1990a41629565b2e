// Node-only (test support): the real server process, set up for the browser tests.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_AGENT, type ServerProcess, startServerProcess } from "./server-process";

export interface UiServer {
  server: ServerProcess;
  /** The accepted API token ("" when the server was started without tokens). */
  token: string;
  dir: string;
  repos: string;
  /** Starts the server again on the same port and database (a restart). */
  restart(): Promise<ServerProcess>;
  close(): Promise<void>;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], { cwd, stdio: "ignore" });

/** A committed repository "demo" (README, src/) with one untracked file, so status and tree show something. */
function seedRepository(repos: string) {
  const demo = join(repos, "demo");
  mkdirSync(join(demo, "src", "lib"), { recursive: true });
  writeFileSync(join(demo, "README.md"), "# demo\n");
  writeFileSync(join(demo, "package.json"), '{ "name": "demo" }\n');
  writeFileSync(join(demo, "src", "index.ts"), "export const answer = 42;\n");
  writeFileSync(join(demo, "src", "lib", "math.ts"), "export const add = (a: number, b: number) => a + b;\n");
  git(demo, "init", "-q", "-b", "main");
  git(demo, "add", ".");
  git(demo, "commit", "-q", "-m", "initial");
  writeFileSync(join(demo, "notes.txt"), "not committed yet\n");
  writeFileSync(join(demo, "README.md"), "# demo\n\nEdited.\n");
}

/**
 * Starts `npm start`'s server (node --import tsx src/node/server.ts) on a fresh libSQL file, with
 * the fake cursor agent and RUNNER_API_TOKENS (unless `token` is ""), and a seeded repository.
 */
export async function startUiServer(options: { token?: string; env?: Record<string, string> } = {}): Promise<UiServer> {
  const token = options.token ?? "ui-test-token";
  const dir = mkdtempSync(join(tmpdir(), "cursor-runner-ui-"));
  const repos = join(dir, "repositories");
  mkdirSync(repos, { recursive: true });
  seedRepository(repos);
  const env = {
    DATABASE_URL: `file:${join(dir, "runner.db")}`,
    REPOSITORIES_PATH: repos,
    CURSOR_CLI_PATH: FAKE_AGENT,
    LOG_LEVEL: "warn",
    ...(token ? { RUNNER_API_TOKENS: token, HOST: "127.0.0.1" } : {}),
    ...options.env,
  };
  let server = await startServerProcess(env);
  return {
    get server() {
      return server;
    },
    token,
    dir,
    repos,
    async restart() {
      await server.stop();
      server = await startServerProcess(env, { port: server.port });
      return server;
    },
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
