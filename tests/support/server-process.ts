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

export interface ServerProcess {
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
 * Starts the real server (`node --import tsx src/node/server.ts`, as `npm start` does; or the sidecar entry,
 * as `npm run sidecar` does) with exactly `env` plus PATH and HOME, and waits until GET /health answers.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: { port?: number; entry?: "server" | "sidecar" } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const entry = options.entry ?? "server";
  // The sidecar entry (`npm run sidecar`) reads its port from SIDECAR_PORT.
  const portVar = entry === "sidecar" ? "SIDECAR_PORT" : "PORT";
  // `node --import tsx` (as `npm start`): one process, so a SIGKILL really kills the server.
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src", "node", `${entry}.ts`)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", [portVar]: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
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
