import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { waitFor } from "./wait";

export { waitFor };

import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
export const FAKE_AGENT = join(ROOT, "tests", "support", "fake-cursor-agent.mjs");

/** A port that was free a moment ago (bound to 127.0.0.1:0 and released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** The runtimes the server process can run on: `npm start` (Node) and `npm run start:bun` (Bun). */
export type Runtime = "node" | "bun";
export const RUNTIMES: readonly Runtime[] = ["node", "bun"];

/**
 * The runtime running these tests: Node under `vitest run`, Bun under `bun --bun vitest run`
 * (`npm run test:bun`). Server processes default to it, so the Bun leg runs the same suites against
 * the Bun server.
 */
export const TEST_RUNTIME: Runtime = process.versions.bun ? "bun" : "node";

/** The executable and arguments that start `entry` on `runtime`, as the npm scripts do, in one process. */
function serverCommand(runtime: Runtime, entry: "server" | "sidecar"): [string, string[]] {
  if (runtime === "bun") {
    if (entry !== "server") throw new Error(`there is no Bun entry for the ${entry}`);
    // `bun src/bun/server.ts` (as `npm run start:bun`): Bun runs TypeScript itself.
    const bun = TEST_RUNTIME === "bun" ? process.execPath : join(ROOT, "node_modules", ".bin", "bun");
    return [bun, [join(ROOT, "src", "bun", "server.ts")]];
  }
  // `node --import tsx` (as `npm start`): one process, so a SIGKILL really kills the server.
  const node = TEST_RUNTIME === "node" ? process.execPath : "node";
  return [node, ["--import", "tsx", join(ROOT, "src", "node", `${entry}.ts`)]];
}

export interface ServerProcess {
  runtime: Runtime;
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then wait for exit. */
  stop: () => Promise<number | null>;
}

/**
 * Starts the real server (`node --import tsx src/node/server.ts`, as `npm start` does, or
 * `bun src/bun/server.ts`, as `npm run start:bun` does; or the sidecar entry, as `npm run sidecar`
 * does, always on Node) with exactly `env` plus PATH and HOME, and waits until GET /health answers.
 * `runtime` defaults to the runtime running the tests (TEST_RUNTIME).
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: { port?: number; entry?: "server" | "sidecar"; runtime?: Runtime } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const entry = options.entry ?? "server";
  const runtime = entry === "sidecar" ? "node" : (options.runtime ?? TEST_RUNTIME);
  // The sidecar entry (`npm run sidecar`) reads its port from SIDECAR_PORT.
  const portVar = entry === "sidecar" ? "SIDECAR_PORT" : "PORT";
  const [command, args] = serverCommand(runtime, entry);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", [portVar]: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not answer /health in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    runtime,
    url,
    port,
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** POST JSON and parse the JSON answer. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

/** Waits for a pid file (the fake agent's grandchild.pid) and returns the pid in it. */
export async function readPidFile(path: string): Promise<number> {
  return Number(await waitFor(() => existsSync(path) && readFileSync(path, "utf8").trim()));
}
