import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const REPO = resolve(import.meta.dirname, "../..");
const TSX = join(REPO, "node_modules/.bin/tsx");

let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cursor-runner-server-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once("close", done));
      child.kill("SIGKILL");
      await exited;
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A port nothing listens on: bind port 0 on 127.0.0.1, read it, release it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout has a JSON log line whose msg is `msg`. */
  waitForLog: (msg: string) => Promise<Record<string, unknown>>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start` equivalent with only the given variables (plus PATH and HOME so the binaries resolve). */
function start(env: Record<string, string>): Started {
  const child = spawn(TSX, ["src/node/server.ts"], {
    cwd: REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  const waiters: { msg: string; done: (line: Record<string, unknown>) => void }[] = [];
  const scan = () => {
    for (const waiter of [...waiters]) {
      const line = logLines(out).find((entry) => entry.msg === waiter.msg);
      if (line) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.done(line);
      }
    }
  };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    scan();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    // "close", not "exit": it comes after stdout and stderr are drained, so every log line is in.
    child.once("close", (code, signal) => done({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitForLog: (msg) =>
      new Promise((done, fail) => {
        waiters.push({ msg, done });
        scan();
        void exit.then(({ code }) =>
          fail(new Error(`server exited (${code}) before logging "${msg}"\nstdout:\n${out}\nstderr:\n${err}`)),
        );
      }),
  };
}

function logLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

const baseEnv = (port: number) => ({
  DATABASE_URL: `file:${join(dir, "db", "runner.db")}`,
  REPOSITORIES_PATH: join(dir, "repos"),
  PORT: String(port),
});

describe("the server process (npm start)", () => {
  it("starts with no other configuration, answers /health, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const server = start(baseEnv(port));
    const ready = await server.waitForLog("cursor-runner initialized successfully");
    expect(ready).toMatchObject({ host: "127.0.0.1", port, level: 30 });

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", service: "cursor-runner" });

    // The database was created and migrated under the given path.
    const tasks = await fetch(`http://127.0.0.1:${port}/api/tasks`);
    expect(tasks.status).toBe(200);
    expect(await tasks.json()).toEqual([]);

    server.child.kill("SIGTERM");
    expect(await server.exit).toEqual({ code: 0, signal: null });
    const messages = logLines(server.stdout()).map((line) => line.msg);
    expect(messages).toContain("Shutting down cursor-runner...");
    expect(messages).toContain("cursor-runner shut down successfully");
    expect(messages.indexOf("cursor-runner shut down successfully")).toBeGreaterThan(
      messages.indexOf("Shutting down cursor-runner..."),
    );
    // Warned that it is unauthenticated and therefore local-only.
    expect(messages.some((msg) => typeof msg === "string" && msg.startsWith("RUNNER_API_TOKENS is not set"))).toBe(true);
    expect(logLines(server.stdout()).filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it("exits 1 with a single stderr line naming PORT when PORT=-1", async () => {
    const server = start({ ...baseEnv(1), PORT: "-1" });
    expect(await server.exit).toEqual({ code: 1, signal: null });
    const lines = server.stderr().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/PORT/);
    expect(lines[0]).toMatch(/1 to 65535/);
    expect(lines[0]).not.toMatch(/\bat /); // no stack trace
    expect(logLines(server.stdout()).map((line) => line.msg)).not.toContain("cursor-runner initialized successfully");
  });

  it("lets an in-flight request finish during shutdown and refuses new connections", async () => {
    const port = await freePort();
    const server = start(baseEnv(port));
    await server.waitForLog("cursor-runner initialized successfully");

    // A POST whose body arrives slowly: "100 Continue" proves the server has the request in hand.
    const body = JSON.stringify({ prompt: "finished during shutdown" });
    const req = request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/api/tasks",
      agent: false,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Expect: "100-continue" },
    });
    const response = new Promise<{ status: number | undefined; text: string }>((done, fail) => {
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => done({ status: res.statusCode, text }));
      });
      req.on("error", fail);
    });
    await new Promise<void>((done) => req.once("continue", done));
    req.write(body.slice(0, 10));

    server.child.kill("SIGTERM");
    await server.waitForLog("Shutting down cursor-runner...");

    // New connections are refused once shutdown has begun.
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();

    req.end(body.slice(10));
    const { status, text } = await response;
    expect(status).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ prompt: "finished during shutdown" });

    expect(await server.exit).toEqual({ code: 0, signal: null });
    const messages = logLines(server.stdout()).map((line) => line.msg);
    expect(messages).toContain("cursor-runner shut down successfully");
    expect(messages).not.toContain("Grace period over; closing remaining connections");
  });
});
