import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { afterEach, describe, expect, it } from "vitest";
import { type ReceivedRequest, startReceiver } from "../support/receiver";
import { type RedisServer, startRedisServer } from "../support/redis";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";
import { type SqldServer, startSqld } from "../support/sqld";

/**
 * Scale-out (DESIGN.md "Three ways it runs"): two real server processes share one libSQL server
 * (sqld) and one Redis. Work that must happen once is claimed through the database: a run is
 * executed by the instance that accepted it, a dead instance's runs are failed once by a survivor's
 * sweep, and each callback delivery is leased to one worker at a time.
 */

const SECRET = "whsec-scale";
const FINISHED = new Set(["succeeded", "failed", "cancelled", "timed_out"]);
type Run = Record<string, any>;

interface Cluster {
  dir: string;
  repo: string;
  sqld: SqldServer;
  redis: RedisServer;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  db: Client;
  servers: ServerProcess[];
}

/** Everything a scenario started, torn down in afterEach even when the scenario failed half-way. */
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

/** One sqld, one Redis, one callback receiver and a repository; then two instances started at the same moment. */
async function startCluster(prefix: string, settings: Record<string, string>): Promise<Cluster> {
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
    WEBHOOK_SECRET: SECRET,
    CALLBACK_POLL_MS: "50",
    CALLBACK_RETRY_BASE_MS: "50",
    CALLBACK_RETRY_MAX_MS: "200",
    RUN_LINGER_MS: "300",
    LOG_LEVEL: "warn",
    ...settings,
  };
  // Both start against the fresh database at once: their start-up migrations race.
  const started = await Promise.allSettled([startServerProcess(env), startServerProcess(env)]);
  cluster.servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  return cluster as Cluster;
}

const getRun = async (server: ServerProcess, id: string): Promise<Run> => {
  const res = await fetch(`${server.url}/runs/${id}`);
  if (!res.ok) throw new Error(`GET /runs/${id} on ${server.url}: ${res.status}`);
  return (await res.json()) as Run;
};

/** Posts run `n` to `server`; its prompt logs the start, then writes out/<n>.txt. */
async function sendRun(c: Cluster, server: ServerProcess, n: number, prompt: (n: number) => string) {
  const ack = await postJson(
    `${server.url}/cursor/execute/async`,
    { prompt: prompt(n), repository: "demo", id: `scale-${n}`, callbackUrl: `${c.receiver.url}/hook?secret=cb-${n}` },
    { "X-Webhook-Secret": SECRET },
  );
  expect(ack.status, JSON.stringify(ack.body)).toBe(200);
  expect(ack.body.runId).toMatch(/^[0-9a-f-]{36}$/);
  return { n, runId: String(ack.body.runId), acceptedBy: server };
}

/** Waits until every run is settled, asking the instances in turn (any instance can answer for any run). */
async function waitSettled(servers: ServerProcess[], runIds: string[], timeoutMs: number): Promise<Map<string, Run>> {
  let last = new Map<string, Run>();
  await waitFor(
    async () => {
      const runs = await Promise.all(runIds.map((id, i) => getRun(servers[i % servers.length] as ServerProcess, id)));
      last = new Map(runs.map((r) => [String(r.id), r]));
      return runs.every((r) => FINISHED.has(r.status));
    },
    { timeoutMs, intervalMs: 200, what: "every run settled" },
  );
  return last;
}

/** Posts runs 0..n-1: the even-numbered ones to `first`, the odd-numbered ones to `second`. */
const sendAlternating = (c: Cluster, [first, second]: [ServerProcess, ServerProcess], n: number, prompt: (n: number) => string) =>
  Promise.all(Array.from({ length: n }, (_, i) => sendRun(c, i % 2 === 0 ? first : second, i, prompt)));

/** Waits until the receiver accepted a callback for each of `n` runs and the database records every delivery as delivered. */
async function waitAllCalledBack(c: Cluster, n: number) {
  await waitFor(() => new Set(c.receiver.accepted().map((r) => payload(r).runId)).size === n, {
    timeoutMs: 30_000,
    what: "a callback for every run",
  });
  await waitFor(
    async () =>
      Number((await c.db.execute("SELECT COUNT(*) AS n FROM callback_deliveries WHERE status != 'delivered'")).rows[0]?.n) === 0,
    { timeoutMs: 10_000, what: "every delivery recorded" },
  );
}

const ranLog = (repo: string) =>
  existsSync(join(repo, "ran.log")) ? readFileSync(join(repo, "ran.log"), "utf8").split("\n").filter(Boolean) : [];

const countBy = <T>(items: T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

/** Log lines at level error or above (pino: 50+), e.g. a failed heartbeat or a failed claim. */
const errorLines = (output: string) =>
  output.split("\n").filter((line) => {
    const level = /"level":(\d+)/.exec(line)?.[1];
    return level !== undefined && Number(level) >= 50;
  });

const payload = (r: ReceivedRequest) => JSON.parse(r.rawBody) as Record<string, any>;

describe("two instances sharing one sqld and one Redis", () => {
  it("take 50 async runs between them: each runs exactly once, each callback is delivered exactly once", async () => {
    const started = Date.now();
    const c = await startCluster("runner-scale-", {
      // Two slots each: most of the 50 runs wait in a queue.
      CURSOR_CLI_MAX_CONCURRENT: "2",
      // Fast heartbeats and sweeps: each instance sweeps many times while the other one's runs are live
      // (and must never take them). Stale only after 10 s, far beyond any write stall of the shared server.
      RUN_HEARTBEAT_MS: "100",
      RUN_STALE_AFTER_MS: "10000",
    });
    const [a, b] = c.servers as [ServerProcess, ServerProcess];
    const prompt = (n: number) => `RUN echo ${n} >> ran.log\nWRITE out/${n}.txt <<${n}>>\nSAY done ${n}`;

    const N = 50;
    const sent = await sendAlternating(c, [a, b], N, prompt);
    const runIds = sent.map((s) => s.runId);
    expect(new Set(runIds).size).toBe(N);

    const runs = await waitSettled([b, a], runIds, 90_000);
    for (const s of sent) {
      expect(runs.get(s.runId), `run ${s.n}: ${runs.get(s.runId)?.error}`).toMatchObject({
        status: "succeeded",
        reason: "exited",
        output: `done ${s.n}`,
      });
    }

    // Executed exactly once each, by the instance that accepted it.
    const log = ranLog(c.repo);
    expect(log).toHaveLength(N);
    expect([...countBy(log, (line) => line).entries()].filter(([, count]) => count !== 1)).toEqual([]);
    for (let n = 0; n < N; n++) expect(readFileSync(join(c.repo, "out", `${n}.txt`), "utf8")).toBe(String(n));
    const owners = await c.db.execute(
      `SELECT owner, COUNT(*) AS n FROM runs WHERE id IN (${runIds.map(() => "?").join(",")}) GROUP BY owner`,
      runIds,
    );
    expect(owners.rows.map((r) => Number(r.n))).toEqual([N / 2, N / 2]);

    // Every callback arrives; once recorded as delivered, the instances are stopped (each waits for
    // its attempts in flight), so nothing can still be on its way when the receiver is counted.
    await waitAllCalledBack(c, N);
    await Promise.all(c.servers.map((s) => s.stop()));

    const received = c.receiver.requests;
    expect(received).toHaveLength(N);
    expect(c.receiver.accepted()).toHaveLength(N);
    expect(new Set(received.map((r) => payload(r).runId))).toEqual(new Set(runIds));
    expect(new Set(received.map((r) => r.headers["x-runner-delivery"])).size).toBe(N);
    for (const r of received) {
      const body = payload(r);
      const n = sent.find((s) => s.runId === body.runId)?.n;
      expect(body).toMatchObject({ success: true, agentSucceeded: true, status: "succeeded", requestId: `scale-${n}` });
      expect(r.headers["x-webhook-secret"]).toBe(`cb-${n}`);
    }
    const attempts = await c.db.execute("SELECT COUNT(*) AS n, COUNT(DISTINCT delivery_id) AS d FROM callback_attempts");
    expect(attempts.rows[0]).toMatchObject({ n: N, d: N });
    expect(errorLines(a.output())).toEqual([]);
    expect(errorLines(b.output())).toEqual([]);
    console.info(`scale-out: ${N} runs over two instances settled and called back in ${Date.now() - started} ms`);
  }, 120_000);

  it("one instance SIGKILLed mid-work: the survivor fails its runs once as interrupted, drops none, runs none twice", async () => {
    const started = Date.now();
    const c = await startCluster("runner-scale-kill-", {
      CURSOR_CLI_MAX_CONCURRENT: "2",
      RUN_HEARTBEAT_MS: "200",
      RUN_STALE_AFTER_MS: "3000",
      RUN_KILL_GRACE_MS: "200",
      // The lease of a delivery the dead instance held mid-attempt runs out after 3 × this.
      CALLBACK_TIMEOUT_MS: "1000",
    });
    const [victim, survivor] = c.servers as [ServerProcess, ServerProcess];
    // Long enough that the victim still has runs running and queued when it is killed.
    const prompt = (n: number) => `RUN echo ${n} >> ran.log\nSLEEP 700\nWRITE out/${n}.txt <<${n}>>\nSAY done ${n}`;

    const N = 20;
    const sent = await sendAlternating(c, [victim, survivor], N, prompt);
    const runIds = sent.map((s) => s.runId);
    const victims = sent.filter((s) => s.acceptedBy === victim);
    // Kill once the victim is mid-work: a first run finished, the next ones running, the rest queued.
    await waitFor(
      async () => {
        const states = (await Promise.all(victims.map((s) => getRun(survivor, s.runId)))).map((r) => r.status);
        return states.includes("succeeded") && states.includes("running");
      },
      { intervalMs: 20, what: "the victim mid-work" },
    );
    victim.child.kill("SIGKILL");
    await victim.exited;

    const runs = await waitSettled([survivor], runIds, 60_000);
    const interrupted = victims.filter((s) => runs.get(s.runId)?.status !== "succeeded");
    // The kill landed mid-work: some of the victim's runs had not finished.
    expect(interrupted.length).toBeGreaterThan(0);
    for (const s of interrupted) {
      expect(runs.get(s.runId), `victim run ${s.n}`).toMatchObject({
        status: "failed",
        reason: "interrupted",
        error: "interrupted by restart",
      });
    }
    // The survivor's own runs were never swept: all succeeded, each executed exactly once.
    for (const s of sent.filter((s) => s.acceptedBy === survivor)) {
      expect(runs.get(s.runId), `survivor run ${s.n}`).toMatchObject({ status: "succeeded", output: `done ${s.n}` });
    }
    // Nothing ran twice: the survivor never picked up a dead instance's run, it only failed it.
    const log = ranLog(c.repo);
    expect([...countBy(log, (line) => line).entries()].filter(([, count]) => count !== 1)).toEqual([]);
    for (const s of sent) {
      if (runs.get(s.runId)?.status === "succeeded") expect(log).toContain(String(s.n));
    }

    // One callback per run; a delivery the victim was sending when killed may be sent again (at
    // least once), but always as the same delivery with the same result.
    await waitAllCalledBack(c, N);
    await survivor.stop();

    const byRun = countBy(c.receiver.accepted(), (r) => String(payload(r).runId));
    for (const s of sent) {
      const deliveries = c.receiver.accepted().filter((r) => payload(r).runId === s.runId);
      expect(new Set(deliveries.map((r) => r.headers["x-runner-delivery"])).size, `deliveries of run ${s.n}`).toBe(1);
      const run = runs.get(s.runId) as Run;
      for (const r of deliveries) expect(payload(r)).toMatchObject({ runId: s.runId, status: run.status });
      // Interrupted runs are called back by the survivor alone, which never died: exactly once.
      if (interrupted.includes(s) || s.acceptedBy === survivor) expect(byRun.get(s.runId), `run ${s.n}`).toBe(1);
    }
    for (const s of interrupted) {
      const [delivery] = c.receiver.accepted().filter((r) => payload(r).runId === s.runId);
      expect(payload(delivery as ReceivedRequest)).toMatchObject({ success: false, error: "interrupted by restart" });
    }
    const deliveries = await c.db.execute("SELECT COUNT(*) AS n, COUNT(DISTINCT run_id) AS r FROM callback_deliveries");
    expect(deliveries.rows[0]).toMatchObject({ n: N, r: N });
    expect(errorLines(survivor.output())).toEqual([]);
    console.info(
      `scale-out kill: ${interrupted.length} of the victim's ${victims.length} runs failed as interrupted, ` +
        `${N - interrupted.length} succeeded; settled and called back in ${Date.now() - started} ms`,
    );
  }, 120_000);
});
