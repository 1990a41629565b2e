import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { afterEach } from "vitest";
import { startReceiver } from "./receiver";
import { type RedisServer, startRedisServer } from "./redis";
import { FAKE_AGENT, type ServerProcess, startServerProcess } from "./server-process";
import { type SqldServer, startSqld } from "./sqld";

/**
 * Scale-out test rigs (DESIGN.md "Three ways it runs"): real server processes sharing one libSQL
 * server (sqld) and one Redis, with a callback receiver and one repository.
 */
export interface Cluster {
  dir: string;
  repo: string;
  sqld: SqldServer;
  redis: RedisServer;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  db: Client;
  servers: ServerProcess[];
}

export const WEBHOOK_SECRET = "whsec-scale";

/**
 * Registers the teardown and returns the starter: one sqld, one Redis, a receiver and a repository,
 * then `count` instances started at the same moment (their start-up migrations race).
 */
export function useCluster(): (prefix: string, settings: Record<string, string>, count?: number) => Promise<Cluster> {
  let cluster: Partial<Cluster> = {};
  afterEach(async () => {
    const { servers = [], receiver, redis, sqld, db, dir } = cluster;
    cluster = {};
    // Graceful first; a server stuck on its database is killed rather than left behind.
    await Promise.allSettled(
      servers.map(async (s) => {
        const force = setTimeout(() => s.child.kill("SIGKILL"), 10_000);
        await s.stop();
        clearTimeout(force);
      }),
    );
    db?.close();
    await receiver?.close();
    await redis?.close();
    await sqld?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return async (prefix, settings, count = 2) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    cluster.dir = dir;
    const repo = join(dir, "repos", "demo");
    cluster.repo = repo;
    mkdirSync(join(repo, "out"), { recursive: true });
    cluster.sqld = await startSqld();
    cluster.redis = await startRedisServer();
    cluster.receiver = await startReceiver([200]);
    cluster.db = createClient({ url: cluster.sqld.url });
    const env = {
      DATABASE_URL: cluster.sqld.url,
      REDIS_URL: cluster.redis.url,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      WEBHOOK_SECRET,
      CALLBACK_POLL_MS: "50",
      CALLBACK_RETRY_BASE_MS: "50",
      CALLBACK_RETRY_MAX_MS: "200",
      RUN_LINGER_MS: "300",
      LOG_LEVEL: "warn",
      ...settings,
    };
    const started = await Promise.allSettled(Array.from({ length: count }, () => startServerProcess(env)));
    cluster.servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    return cluster as Cluster;
  };
}

/** Lines of a log file the fake agent appends to (`RUN echo n >> file`), or none yet. */
export const logLines = (path: string) => (existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : []);

export const countBy = <T>(items: T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

/** Log lines at level error or above (pino: 50+), e.g. a failed heartbeat or a failed claim. */
export const errorLines = (output: string) =>
  output.split("\n").filter((line) => {
    const level = /"level":(\d+)/.exec(line)?.[1];
    return level !== undefined && Number(level) >= 50;
  });
