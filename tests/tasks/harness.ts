import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { jsonRequest, makeTestContext, type TestContext } from "../support/deps";
import { FAKE_AGENT, waitFor } from "../support/server-process";

export { waitFor };

export type Json = Record<string, any>;

export interface EngineContext extends TestContext {
  repo: string;
  /** JSON request to the app; returns status and parsed body. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  create(body: Json): Promise<Json>;
  task(id: string): Promise<Json>;
  /** Waits until the task's status is `status` (and `also` holds), returning it. */
  until(id: string, status: string, also?: (task: Json) => boolean): Promise<Json>;
  run(id: string): Promise<Json>;
}

/**
 * In-process engine tests: real deps over a temp libSQL file, the fake cursor agent as the CLI,
 * a `demo` repository, and the task engine started (claiming, heartbeats). Stopped after each test.
 */
export function useEngine(env: Record<string, string> = {}): () => Promise<EngineContext> {
  const started: { ctx: TestContext; stop: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const { ctx, stop } of started.splice(0)) {
      await stop();
      await ctx.deps.runs.stopAll();
      ctx.cleanup();
    }
  });
  return async () => {
    const ctx = await makeTestContext({
      CURSOR_CLI_PATH: FAKE_AGENT,
      RUN_LINGER_MS: "300",
      TASK_POLL_MS: "100",
      TASK_EVENTS_POLL_MS: "50",
      LOG_LEVEL: "warn",
      ...env,
    });
    const repo = join(ctx.dir, "repositories", "demo");
    mkdirSync(repo, { recursive: true });
    const stop = await ctx.deps.taskEngine.start();
    started.push({ ctx, stop });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await ctx.app.request(path, jsonRequest(method, body));
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const task = async (id: string) => (await call("GET", `/tasks/${id}`)).body as Json;
    return {
      ...ctx,
      repo,
      call,
      async create(body) {
        const res = await call("POST", "/tasks", { repository: "demo", ...body });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        return res.body;
      },
      task,
      until: (id, status, also = () => true) =>
        waitFor(
          async () => {
            const current = await task(id);
            return current.status === status && also(current) && current;
          },
          { timeoutMs: 20_000, what: `task ${id} ${status}` },
        ),
      run: async (id) => (await call("GET", `/runs/${id}`)).body as Json,
    };
  };
}
