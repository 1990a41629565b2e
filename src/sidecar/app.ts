// Runtime-neutral: the sidecar's HTTP API (the process work is done by the registry's executor).
import { Hono } from "hono";
import type { z } from "zod";
import { bearerAuth } from "../http/auth";
import { jsonBody, limitBody } from "../http/body";
import { errorBody, HttpError } from "../http/errors";
import { describeIssue } from "../http/validation";
import { createProcessBody, type ReapedRun, reapRunBody, stopProcessBody, streamQuery } from "./protocol";
import type { ProcessRegistry } from "./registry";
import { eventStream } from "./stream";

export interface SidecarAppOptions {
  registry: ProcessRegistry;
  /** Bearer token required on every route but GET /health. */
  token: string;
  /** Returns the real working directory, or throws HttpError 403 when it lies outside the allowed root. */
  resolveCwd: (cwd: string) => Promise<string>;
  /** Exact command strings that may be run; empty = any. */
  allowedCommands?: readonly string[];
  /**
   * The sidecar host's environment (never its own secrets): a process gets it, with the request's
   * `env` on top. A runner on another host (Workers) cannot know this host's PATH or HOME.
   */
  baseEnv?: Record<string, string | undefined>;
  /** Default 8 MiB: a prompt travels in argv or stdin. */
  maxBodyBytes?: number;
  /** Interval of keep-alive pings on event streams. Default 15 s. */
  pingMs?: number;
  /** Finds a command the way a spawn would (for GET /v1/which); without it every command counts as unknown. */
  lookupCommand?: (command: string) => Promise<string | undefined>;
  /**
   * Ends a process group on this host whose members carry RUN_ID_ENV=`runId` (a process the
   * registry does not track, e.g. one started before a restart); whether anything was ended.
   * Node's reapOrphanedRun. Without it POST /v1/orphans/reap only stops tracked processes.
   */
  reapOrphan?: (pid: number, runId: string) => Promise<boolean>;
  /** Told about unexpected errors (answered as a bare 500). */
  onError?: (error: Error) => void;
}

const parse = <T extends z.ZodType>(schema: T, value: unknown, target: string): z.infer<T> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new HttpError(400, issue ? describeIssue(issue, target) : "Invalid request");
};

/**
 * The sidecar runner's API: start a process, follow its output (NDJSON, or SSE when the client
 * accepts text/event-stream), stop it, read its status, end a dead runner's processes. Everything
 * but GET /health needs the bearer token, and a process may only run inside the allowed root: the
 * sidecar must not become a way to run anything anywhere.
 *
 * @example
 * const app = createSidecarApp({ registry, token: env.SIDECAR_TOKEN, resolveCwd: (cwd) => insideRoot(root, cwd) });
 * serve({ fetch: app.fetch, port: 3002, hostname: "127.0.0.1" });
 */
export function createSidecarApp(options: SidecarAppOptions) {
  const { registry } = options;
  const app = new Hono();
  const allowed = new Set(options.allowedCommands ?? []);

  app.get("/health", (c) => c.json({ status: "ok", service: "cursor-runner-sidecar", ...registry.counts() }));
  app.use(bearerAuth({ tokens: [options.token] }));
  app.use(limitBody(options.maxBodyBytes ?? 8 * 1024 * 1024));
  app.use(jsonBody());

  app.post("/v1/processes", async (c) => {
    const body = parse(createProcessBody, await c.req.json(), "json");
    if (allowed.size > 0 && !allowed.has(body.command)) {
      throw new HttpError(403, `Command not allowed on this sidecar: ${body.command}`);
    }
    const cwd = await options.resolveCwd(body.cwd);
    const started = registry.start({ ...body, cwd, env: body.env ? { ...options.baseEnv, ...body.env } : options.baseEnv });
    return c.json({ id: started.id, pid: started.pid }, 201);
  });

  // Lets a runner on another host report whether the agent CLI is installed where it will run.
  app.get("/v1/which", async (c) => {
    const command = c.req.query("command");
    if (!command) throw new HttpError(400, "command is required");
    if (allowed.size > 0 && !allowed.has(command)) {
      return c.json({ command, available: false, error: `${command} is not allowed on the sidecar` });
    }
    const path = await options.lookupCommand?.(command);
    return path
      ? c.json({ command, available: true, path })
      : c.json({ command, available: false, error: `${command} was not found on the sidecar's PATH` });
  });

  app.get("/v1/processes", (c) => c.json({ processes: registry.list() }));
  app.get("/v1/processes/:id", (c) => c.json(registry.get(c.req.param("id"))));

  app.get("/v1/processes/:id/stream", (c) => {
    const seen = parse(streamQuery, c.req.query(), "query");
    const id = c.req.param("id");
    registry.get(id); // 404 before the stream starts, not inside it
    const format = c.req.header("Accept")?.includes("text/event-stream") ? "sse" : "ndjson";
    const body = eventStream((send) => registry.subscribe(id, seen, send), { format, pingMs: options.pingMs ?? 15_000 });
    const type = format === "sse" ? "text/event-stream" : "application/x-ndjson";
    return new Response(body, { headers: { "Content-Type": type, "Cache-Control": "no-store" } });
  });

  app.post("/v1/processes/:id/stop", async (c) => {
    const { reason, message } = parse(stopProcessBody, await c.req.json(), "json");
    return c.json(registry.stop(c.req.param("id"), reason, message), 202);
  });

  // A runner that died leaves its agents running here: the next runner asks for them to be ended.
  app.post("/v1/orphans/reap", async (c) => {
    const { runId, pid } = parse(reapRunBody, await c.req.json(), "json");
    const processes = await registry.stopRun(runId, "cancelled", "The runner of this run stopped (orphan reaped)");
    const reaped = processes.length > 0 || (pid !== undefined && (await options.reapOrphan?.(pid, runId)) === true);
    return c.json({ reaped, processes } satisfies ReapedRun);
  });

  app.notFound((c) => c.json(errorBody("Route not found", { path: c.req.path, method: c.req.method }), 404));
  app.onError((error, c) => {
    if (error instanceof HttpError) return c.json(errorBody(error.message), error.status, error.headers);
    // Never a stack or an internal message in a response.
    options.onError?.(error);
    return c.json(errorBody("Internal sidecar error"), 500);
  });
  return app;
}

export type SidecarApp = ReturnType<typeof createSidecarApp>;
