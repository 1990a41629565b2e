import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Cluster, countBy, errorLines, logLines, useCluster, WEBHOOK_SECRET } from "../support/cluster";
import type { ReceivedRequest } from "../support/receiver";
import { postJson, type ServerProcess, waitFor } from "../support/server-process";

/**
 * Scale-out (DESIGN.md "Three ways it runs"): two real server processes share one libSQL server
 * (sqld) and one Redis. Work that must happen once is claimed through the database: a run is
 * executed by the instance that accepted it, a dead instance's runs are failed once by a survivor's
 * sweep, and each callback delivery is leased to one worker at a time.
 */

const SECRET = WEBHOOK_SECRET;
const FINISHED = new Set(["succeeded", "failed", "cancelled", "timed_out"]);
type Run = Record<string, any>;

const startCluster = useCluster();

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
    timeoutMs: 120_000,
    what: "a callback for every run",
  });
  await waitFor(
    async () =>
      Number((await c.db.execute("SELECT COUNT(*) AS n FROM callback_deliveries WHERE status != 'delivered'")).rows[0]?.n) === 0,
    { timeoutMs: 60_000, what: "every delivery recorded" },
  );
}

const ranLog = (repo: string) => logLines(join(repo, "ran.log"));

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

    const runs = await waitSettled([b, a], runIds, 240_000);
    for (const s of sent) {
      expect(runs.get(s.runId), `run ${s.n}: ${runs.get(s.runId)?.error}`).toMatchObject({
        status: "succeeded",
        output: `done ${s.n}`,
      });
      // A loaded machine may keep an agent from exiting within RUN_LINGER_MS of its result.
      expect(["exited", "ended_after_result"]).toContain(runs.get(s.runId)?.reason);
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
  }, 480_000);

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

    const runs = await waitSettled([survivor], runIds, 240_000);
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
  }, 480_000);
});
