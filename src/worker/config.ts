// Runtime-neutral: Worker bindings → Config, with the checks only Workers need.
import { type Config, ConfigError, loadConfig } from "../config";

/** A Worker's `env`: vars and secrets are strings; other bindings (none needed here) are objects. */
export type WorkerEnv = Record<string, unknown>;

/** The string bindings of `env` (vars from wrangler.toml and secrets from `wrangler secret put`). */
export function stringBindings(env: WorkerEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === "string") vars[key] = value;
  return vars;
}

/**
 * Parses the Worker's bindings with the same loadConfig as Node, then insists on what a Worker
 * cannot do without: a libSQL server over HTTP (no files, and a WebSocket could not be shared by the
 * requests of an isolate), Redis over HTTP (no TCP), the sidecar (no processes) and the absolute
 * repositories path as the sidecar sees it. Throws ConfigError naming every missing piece.
 * CURSOR_CLI_MAX_QUEUE does not apply: runs never wait in an isolate's queue (see below).
 *
 * @example
 * const config = loadWorkerConfig(env); // env from `fetch(request, env, ctx)`
 */
export function loadWorkerConfig(env: WorkerEnv): Config {
  const vars = stringBindings(env);
  // No working directory on Workers: relative defaults would be meaningless, so the paths that
  // matter are required to be absolute below.
  const config = loadConfig(vars, { cwd: "/" });
  const problems: string[] = [];
  if (!vars.DATABASE_URL) {
    problems.push("DATABASE_URL is required (the http(s):// or libsql:// URL of a libSQL server such as sqld or Turso)");
  } else if (!/^(https?|libsql):\/\//i.test(config.database.url)) {
    const scheme = config.database.url.split(":")[0];
    problems.push(
      `DATABASE_URL must be http(s):// or libsql:// on Workers (got ${scheme}:; files and WebSockets are not available)`,
    );
  }
  if (!config.redis.upstash) {
    problems.push("UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are required (conversations are kept in Redis over HTTP)");
  }
  if (config.executor.kind !== "sidecar") {
    problems.push(
      "SIDECAR_URL and SIDECAR_TOKEN are required (agents run on the sidecar runner; Workers cannot start processes)",
    );
  }
  if (!vars.REPOSITORIES_PATH?.startsWith("/")) {
    problems.push("REPOSITORIES_PATH must be the absolute path of the repositories on the sidecar host");
  }
  if (problems.length > 0) throw new ConfigError(`Invalid Workers configuration: ${problems.join("; ")}`);
  // No waiting queue: a queued run would be started from inside the request whose run freed the
  // slot, and Workers forbid one request's code to touch another's I/O. Beyond
  // CURSOR_CLI_MAX_CONCURRENT runs in one isolate the API answers 429 with Retry-After.
  return { ...config, slots: { ...config.slots, maxQueue: 0 } };
}
