import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRunnerDirs } from "../support/limit-checks";
import { startReceiver } from "../support/receiver";
import { type RedisServer, startRedisServer } from "../support/redis";
import { type ServerProcess, startServerProcess, waitFor } from "../support/server-process";

const INSTANT_AGENT = join(import.meta.dirname, "..", "..", "bench", "fixtures", "instant-agent.sh");
const SECRET = "whsec-load";
const BURST = 1000;

/** Peak resident memory of a process so far (VmHWM), in MiB. */
const peakRssMiB = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmHWM:"));
  return Number(line?.replace(/\D+/g, "") ?? 0) / 1024;
};

/**
 * Load (issue 17 item 2): 1,000 `POST /cursor/execute/async` at once at one instance with an agent
 * that answers at once. Each is acknowledged (200) or refused with 429 + Retry-After; every accepted
 * run completes and is called back exactly once. Redis (the conversation store) is killed in the
 * middle: conversation reads answer 503 while it is down, runs go on, and everything recovers once
 * it is back.
 */
describe("a burst of 1,000 async executions with a Redis outage in the middle", () => {
  const { dir, env } = makeRunnerDirs("runner-load-");
  let redis: RedisServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: ServerProcess;

  beforeAll(async () => {
    redis = await startRedisServer();
    receiver = await startReceiver([200]);
    server = await startServerProcess({
      ...env,
      CURSOR_CLI_PATH: INSTANT_AGENT,
      REDIS_URL: redis.url,
      WEBHOOK_SECRET: SECRET,
      CALLBACK_POLL_MS: "50",
      CALLBACK_RETRY_BASE_MS: "100",
      CALLBACK_RETRY_MAX_MS: "500",
      RUN_LINGER_MS: "300",
      RATE_LIMIT_PER_WINDOW: "0",
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await redis?.close();
  });

  it("acknowledges or refuses each (429 + Retry-After), runs and calls back every accepted one exactly once", async () => {
    const started = Date.now();
    const answers: { status: number; retryAfter: string | null; runId?: string }[] = [];
    let outage: Promise<{ during: number[]; recoveredAfterMs: number }> | undefined;
    const send = async (n: number) => {
      const res = await fetch(`${server.url}/cursor/execute/async`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Webhook-Secret": SECRET },
        body: JSON.stringify({ prompt: `load ${n}`, repository: "demo", callbackUrl: `${receiver.url}/cb/${n}` }),
      });
      const body = (await res.json()) as { runId?: string };
      answers.push({
        status: res.status,
        retryAfter: res.headers.get("Retry-After"),
        ...(body.runId ? { runId: body.runId } : {}),
      });
      // A third of the way in, Redis goes down for a while.
      if (answers.length === Math.floor(BURST / 3)) outage = redisOutage();
    };
    await Promise.all(Array.from({ length: BURST }, (_, n) => send(n)));
    const { during, recoveredAfterMs } = await (outage as NonNullable<typeof outage>);

    // Every answer is an acknowledgement or a refusal that says when to come back.
    const accepted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted.length + refused.length).toBe(BURST);
    for (const r of refused) expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    const runIds = accepted.map((a) => a.runId as string);
    expect(new Set(runIds).size).toBe(accepted.length);

    // While Redis was down, conversation reads said so (503); afterwards they work again.
    expect(during).toContain(503);
    expect((await fetch(`${server.url}/api/list`)).status).toBe(200);

    // Every accepted run completes and is called back exactly once; nothing is lost.
    await waitFor(() => new Set(receiver.accepted().map((r) => JSON.parse(r.rawBody).runId)).size === accepted.length, {
      timeoutMs: 240_000,
      intervalMs: 200,
      what: "a callback for every accepted run",
    });
    const db = createClient({ url: env.DATABASE_URL });
    try {
      const states = await db.execute("SELECT status, COUNT(*) AS n FROM runs GROUP BY status");
      const failed = await db.execute("SELECT reason, error, stderr FROM runs WHERE status != 'succeeded' LIMIT 3");
      if (failed.rows.length) console.info("runs that did not succeed:", JSON.stringify(failed.rows));
      expect(Object.fromEntries(states.rows.map((r) => [String(r.status), Number(r.n)]))).toEqual({ succeeded: accepted.length });
    } finally {
      db.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const perRun = new Map<string, number>();
    for (const r of receiver.accepted()) {
      const id = JSON.parse(r.rawBody).runId as string;
      perRun.set(id, (perRun.get(id) ?? 0) + 1);
    }
    const duplicates = [...perRun.values()].filter((count) => count > 1).length;
    expect(duplicates).toBe(0);
    expect(perRun.size).toBe(accepted.length);

    const peak = peakRssMiB(server.child.pid as number);
    console.info(
      `load: ${BURST} requests, ${accepted.length} accepted, ${refused.length} refused (429), ` +
        `5xx ${answers.filter((a) => a.status >= 500).length}, ` +
        `runs lost 0, duplicate callbacks ${duplicates}, peak RSS ${peak.toFixed(0)} MiB, ` +
        `Redis back after ${recoveredAfterMs} ms, done in ${Date.now() - started} ms`,
    );
    expect(peak).toBeGreaterThan(0);
  }, 300_000);

  /** Stops Redis, reads conversations a few times while it is down, starts it again, waits until reads work. */
  async function redisOutage() {
    await redis.stop();
    const during: number[] = [];
    for (let i = 0; i < 5; i++) {
      during.push((await fetch(`${server.url}/api/list`)).status);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const restarted = Date.now();
    await redis.start();
    await waitFor(async () => (await fetch(`${server.url}/api/list`)).status === 200, {
      timeoutMs: 60_000,
      what: "conversations back",
    });
    return { during, recoveredAfterMs: Date.now() - restarted };
  }

  void dir;
});
