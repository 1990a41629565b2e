// Node-only (test support): everything the Worker talks to, as real processes on 127.0.0.1.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import type { Client } from "@libsql/client";
import { Miniflare } from "miniflare";
import { migrateUp, openNodeDatabase } from "../../src/node/database";
import { startReceiver } from "../support/receiver";
import { type RedisServer, startRedisServer } from "../support/redis";
import { FAKE_AGENT } from "../support/server-process";
import { type SidecarProcess, startSidecarProcess } from "../support/sidecar-process";
import { type SqldServer, startSqld } from "../support/sqld";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { ROOT } from "./bundle";

export const API_TOKEN = "worker-api-token";
export const WEBHOOK_SECRET = "whsec-worker";

/** compatibility_date from wrangler.toml, so the test runs what a deploy would. */
export const COMPATIBILITY_DATE = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(
  readFileSync(join(ROOT, "wrangler.toml"), "utf8"),
)?.[1] as string;

/**
 * Builds the Worker exactly as `npm run build:worker` does (wrangler's own bundler) into `outdir`
 * and returns the bundle's path.
 */
export async function buildWorker(outdir: string): Promise<string> {
  await promisify(execFile)(
    join(ROOT, "node_modules", ".bin", "wrangler"),
    ["deploy", "--dry-run", "--outdir", outdir, "--config", join(ROOT, "wrangler.toml")],
    { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" }, timeout: 120_000 },
  );
  return join(outdir, "worker.js");
}

/** The web UI's build folder, served through the ASSETS binding as wrangler.toml's [assets] says. */
export const UI_ASSETS = join(ROOT, "dist", "ui");

/**
 * Starts Miniflare on a built bundle with these bindings; its console output is collected. The web
 * UI's files are the `ASSETS` binding, configured as wrangler.toml's [assets] (the Worker first,
 * no HTML or not-found handling by the asset server).
 */
export async function startWorker(scriptPath: string, bindings: Record<string, string>) {
  let output = "";
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    // Module names are paths relative to this root; the default (the cwd) would need "..".
    modulesRoot: dirname(scriptPath),
    compatibilityDate: COMPATIBILITY_DATE,
    bindings,
    assets: {
      directory: UI_ASSETS,
      binding: "ASSETS",
      routerConfig: { invoke_user_worker_ahead_of_assets: true, has_user_worker: true },
      assetConfig: { html_handling: "none", not_found_handling: "none" },
    },
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    },
  });
  try {
    await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw new Error(`workerd did not start: ${(error as Error).message}\n${output}`, { cause: error });
  }
  /** Fires the cron trigger once, as Cloudflare would every minute. */
  const cron = async () => {
    const worker = (await mf.getWorker()) as unknown as { scheduled(options: { cron: string }): Promise<unknown> };
    return worker.scheduled({ cron: "* * * * *" });
  };
  return { mf, cron, output: () => output };
}

export interface WorkerStack {
  repos: string;
  db: Client;
  sqld: SqldServer;
  redis: RedisServer;
  bridge: UpstashBridge;
  sidecar: SidecarProcess;
  bundle: string;
  /** The Worker's vars and secrets, as `wrangler.toml` + `wrangler secret put` would give them. */
  bindings: Record<string, string>;
  close(): Promise<void>;
}

/**
 * sqld (migrated with the Node migrator, as `npm run migrate` does), redis-server behind the
 * Upstash-REST bridge, a sidecar whose root is a temp repositories folder and whose agent is the
 * fake cursor agent, and the Worker bundle built by wrangler. `close()` stops whatever started,
 * also after a failure half-way.
 */
export async function startWorkerStack(): Promise<WorkerStack> {
  // realpath: the sidecar compares cwds after resolving symlinks (/tmp may be one).
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "cursor-runner-worker-")));
  const repos = join(dir, "repositories");
  mkdirSync(join(repos, "demo"), { recursive: true });
  const closers: (() => Promise<unknown> | unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await Promise.resolve(closer()).catch(() => {});
  };
  try {
    const sqld = await startSqld();
    closers.push(() => sqld.close());
    const db = await openNodeDatabase({ url: sqld.url, authToken: undefined });
    closers.push(() => db.close());
    await migrateUp(db);

    const redis = await startRedisServer();
    closers.push(() => redis.close());
    const bridge = await startUpstashBridge({ redisUrl: redis.url });
    closers.push(() => bridge.close());

    const sidecar = await startSidecarProcess(repos);
    closers.push(() => sidecar.stop());

    const bundle = await buildWorker(join(dir, "dist"));
    const bindings = {
      DATABASE_URL: sqld.url,
      UPSTASH_REDIS_REST_URL: bridge.url,
      UPSTASH_REDIS_REST_TOKEN: bridge.token,
      SIDECAR_URL: sidecar.url,
      SIDECAR_TOKEN: sidecar.token,
      REPOSITORIES_PATH: repos,
      CURSOR_CLI_PATH: FAKE_AGENT,
      RUNNER_API_TOKENS: API_TOKEN,
      WEBHOOK_SECRET,
      // A failed callback is due again at once, so only the cron trigger decides when it is retried.
      CALLBACK_RETRY_BASE_MS: "0",
      LOG_LEVEL: "info",
      // Quick heartbeats and a short stale window, so a test can outlive the window in a second.
      RUN_HEARTBEAT_MS: "100",
      RUN_STALE_AFTER_MS: "600",
      // One run at a time per isolate (Workers keep no waiting queue: the next one gets 429).
      CURSOR_CLI_MAX_CONCURRENT: "1",
    };
    return { repos, db, sqld, redis, bridge, sidecar, bundle, bindings, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export { startReceiver };
