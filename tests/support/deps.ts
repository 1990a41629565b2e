import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach } from "vitest";
import { createApp } from "../../src/app";
import type { Deps } from "../../src/deps";
import type { ActionRecorder } from "../../src/desktop/service";
import { createNodeDeps } from "../../src/node/wiring";

export interface TestContext {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  dir: string;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  cleanup: () => void;
}

/**
 * Real deps over a fresh libSQL file in a temp folder, with the log captured in memory.
 * `env` adds or overrides environment variables (the process environment is not read).
 */
export async function makeTestContext(
  env: Record<string, string | undefined> = {},
  options: { desktopRecorder?: ActionRecorder } = {},
): Promise<TestContext> {
  const dir = mkdtempSync(join(tmpdir(), "cursor-runner-test-"));
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) if (line.trim()) logs.push(JSON.parse(line));
      callback();
    },
  });
  const deps = await createNodeDeps(
    { DATABASE_URL: `file:${join(dir, "test.db")}`, REPOSITORIES_PATH: join(dir, "repositories"), LOG_LEVEL: "debug", ...env },
    { cwd: dir, logDestination: destination, desktopRecorder: options.desktopRecorder },
  );
  return {
    deps,
    app: createApp(deps),
    dir,
    logs,
    cleanup: () => {
      // An x11vnc started for the live view (GET /desktop/status) is stopped with the context.
      void deps.vnc?.close();
      deps.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Registers afterEach cleanup and returns a `makeTestContext` whose contexts it cleans up after each test. */
export function useTestContexts(): (env?: Record<string, string>) => Promise<TestContext> {
  const contexts: TestContext[] = [];
  afterEach(() => {
    for (const ctx of contexts.splice(0)) ctx.cleanup();
  });
  return async (env = {}) => {
    const ctx = await makeTestContext(env);
    contexts.push(ctx);
    return ctx;
  };
}

/** JSON request helper for `app.request`. */
export function jsonRequest(method: string, body?: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  };
}
