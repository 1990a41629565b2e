// Workers entry (wrangler.toml `main`): the same createApp as Node, over Workers-safe deps (src/worker/).
import type { ExecutionContext } from "hono";
import { ConfigError } from "./config";
import { errorBody } from "./http/errors";
import type { WorkerEnv } from "./worker/config";
import { createWorkerRuntime, type WorkerRuntime } from "./worker/runtime";
import { runScheduled } from "./worker/scheduled";

interface ScheduledController {
  cron: string;
  scheduledTime: number;
}

// One runtime per isolate. Building it does no network I/O (clients connect on first use), so it
// settles within the request that started it and later requests only read the finished value.
let runtime: Promise<WorkerRuntime> | undefined;

function runtimeFor(env: WorkerEnv): Promise<WorkerRuntime> {
  runtime ??= createWorkerRuntime(env).catch((error: unknown) => {
    runtime = undefined; // a fixed binding (after `wrangler secret put`) takes effect on the next request
    throw error;
  });
  return runtime;
}

/** A configuration problem names variables, never values; the details go to the Worker's log only. */
function misconfigured(error: unknown): Response {
  const detail = error instanceof Error ? error.message : String(error);
  console.error(JSON.stringify({ level: 50, msg: "Worker start-up failed", error: detail }));
  const message =
    error instanceof ConfigError ? "Service unavailable: the Worker is misconfigured (see its logs)" : "Service unavailable";
  return Response.json(errorBody(message), { status: 503 });
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let current: WorkerRuntime;
    try {
      current = await runtimeFor(env);
    } catch (error) {
      return misconfigured(error);
    }
    return current.app.fetch(request, env, ctx);
  },

  /** Cron trigger (wrangler.toml [triggers]): stale-run sweep and callback retries. */
  async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    let current: WorkerRuntime;
    try {
      current = await runtimeFor(env);
    } catch (error) {
      misconfigured(error);
      return;
    }
    ctx.waitUntil(runScheduled(current.deps));
  },
};
