import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDeliverer, ELEVENLABS_SKIP_MESSAGE } from "../../src/callbacks/deliverer";
import { verify } from "../../src/callbacks/signer";
import { type CallbackWorker, startCallbackWorker } from "../../src/callbacks/worker";
import { type Instance, openInstance, startReceiver, waitFor } from "./harness";

let dir: string;
const cleanups: (() => unknown)[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cursor-runner-callbacks-"));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function instance(env: Record<string, string> = {}): Promise<Instance> {
  const opened = await openInstance(dir, env);
  cleanups.push(opened.close);
  return opened;
}

async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  cleanups.push(started.close);
  return started;
}

function worker(node: Instance): CallbackWorker {
  const started = node.callbacks.startWorker();
  cleanups.push(started.stop);
  return started;
}

const settled = (node: Instance, id: string) => async () => {
  const delivery = await node.callbacks.outbox.get(id);
  return delivery && delivery.status !== "pending" ? delivery : null;
};

describe("callback delivery", () => {
  it("one delivery per dedupe key, even when two instances enqueue the same run's callback at once", async () => {
    const rx = await receiver(() => ({ status: 200, body: "ok" }));
    const [a, b] = [await instance(), await instance()];
    const input = { runId: "run-dup", requestId: "req-dup", url: `${rx.url}/hook`, payload: { n: 1 }, dedupeKey: "run:run-dup" };
    const [first, second] = await Promise.all([a.callbacks.enqueue(input), b.callbacks.enqueue({ ...input, payload: { n: 2 } })]);
    expect(second.id).toBe(first.id);
    worker(a);
    worker(b);
    await waitFor("delivery", settled(a, first.id));
    expect(rx.accepted()).toHaveLength(1);
    // Without a key, every enqueue is its own delivery (redelivery keeps using the same row).
    const plain = await Promise.all([1, 2].map(() => a.callbacks.enqueue({ url: `${rx.url}/hook`, payload: {} })));
    expect(new Set(plain.map((d) => d.id)).size).toBe(2);
  });

  it("a receiver that fails twice then accepts gets exactly one accepted delivery with a valid signature", async () => {
    const secret = "whsec-123";
    const rx = await receiver((_req, index) => (index < 2 ? { status: 500, body: "not yet" } : { status: 200, body: "ok" }));
    const node = await instance({ WEBHOOK_SECRET: secret });
    worker(node);
    const payload = { success: true, requestId: "req-1", output: "done ✓" };
    const queued = await node.callbacks.enqueue({ runId: "run-1", requestId: "req-1", url: `${rx.url}/hook`, payload });

    const delivery = await waitFor("delivery", settled(node, queued.id));
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, lastError: null });
    expect(rx.received).toHaveLength(3);
    expect(rx.accepted()).toHaveLength(1);

    const [accepted] = rx.accepted();
    expect(accepted?.body).toBe(JSON.stringify(payload));
    expect(accepted?.headers["content-type"]).toBe("application/json");
    expect(accepted?.headers["user-agent"]).toBe("cursor-runner/1.0");
    expect(accepted?.headers["x-runner-delivery"]).toBe(queued.id);
    const signature = accepted?.headers["x-runner-signature"] as string;
    expect(await verify(secret, signature, accepted?.body ?? "", 300)).toMatchObject({ valid: true });
    // Every attempt is signed over the same raw body and names the same delivery.
    for (const request of rx.received) {
      expect(request.headers["x-runner-delivery"]).toBe(queued.id);
      expect(await verify(secret, request.headers["x-runner-signature"] as string, request.body, 300)).toMatchObject({
        valid: true,
      });
    }

    const attempts = await node.callbacks.outbox.listAttempts(queued.id);
    expect(attempts.map((a) => [a.attempt, a.httpStatus, a.error])).toEqual([
      [1, 500, "Webhook returned 500: not yet"],
      [2, 500, "Webhook returned 500: not yet"],
      [3, 200, null],
    ]);
    for (const attempt of attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("marks the delivery failed with the last error once its attempts are spent", async () => {
    const rx = await receiver(() => ({ status: 503, body: "down for maintenance" }));
    const node = await instance({ CALLBACK_MAX_ATTEMPTS: "3" });
    worker(node);
    const queued = await node.callbacks.enqueue({ runId: "run-2", url: rx.url, payload: { success: false } });

    const delivery = await waitFor("failure", settled(node, queued.id));
    expect(delivery).toMatchObject({
      status: "failed",
      attempts: 3,
      maxAttempts: 3,
      lastError: "Webhook returned 503: down for maintenance",
    });
    expect(rx.received).toHaveLength(3);
    expect(await node.callbacks.outbox.listAttempts(queued.id)).toHaveLength(3);
  });

  it("truncates a long error body and records a timeout as an error", async () => {
    const rx = await receiver((_req, index) => (index === 0 ? { status: 500, body: "x".repeat(5000) } : "hang"));
    const node = await instance({ CALLBACK_MAX_ATTEMPTS: "2", CALLBACK_TIMEOUT_MS: "100" });
    worker(node);
    const queued = await node.callbacks.enqueue({ url: rx.url, payload: {} });

    const delivery = await waitFor("failure", settled(node, queued.id));
    const [first, second] = await node.callbacks.outbox.listAttempts(queued.id);
    expect(first?.error).toBe(`Webhook returned 500: ${"x".repeat(500)}…`);
    expect(second).toMatchObject({ httpStatus: null, error: "Webhook timed out after 100 ms" });
    expect(delivery.lastError).toBe("Webhook timed out after 100 ms");
  });

  it("records a refused connection as an error and keeps retrying", async () => {
    const rx = await receiver();
    await rx.close(); // nothing listens on this port any more
    const node = await instance({ CALLBACK_MAX_ATTEMPTS: "2" });
    worker(node);
    const queued = await node.callbacks.enqueue({ url: rx.url, payload: {} });
    const delivery = await waitFor("failure", settled(node, queued.id));
    expect(delivery).toMatchObject({ status: "failed", attempts: 2 });
    expect(delivery.lastError).toMatch(/ECONNREFUSED/);
  });

  describe("secrets", () => {
    it("sends WEBHOOK_SECRET as the legacy headers when no allow-list is set", async () => {
      const rx = await receiver();
      const node = await instance({ WEBHOOK_SECRET: "env-secret" });
      worker(node);
      const queued = await node.callbacks.enqueue({ url: rx.url, payload: { a: 1 } });
      await waitFor("delivery", settled(node, queued.id));
      const [request] = rx.received;
      expect(request?.headers["x-webhook-secret"]).toBe("env-secret");
      expect(request?.headers["x-cursor-runner-secret"]).toBe("env-secret");
      expect(await verify("env-secret", request?.headers["x-runner-signature"] as string, request?.body ?? "")).toMatchObject({
        valid: true,
      });
    });

    it("sends it to a host on CALLBACK_ALLOWED_HOSTS", async () => {
      const rx = await receiver();
      const node = await instance({ WEBHOOK_SECRET: "env-secret", CALLBACK_ALLOWED_HOSTS: "app.internal, 127.0.0.1" });
      worker(node);
      const queued = await node.callbacks.enqueue({ url: rx.url, payload: {} });
      await waitFor("delivery", settled(node, queued.id));
      expect(rx.received[0]?.headers["x-webhook-secret"]).toBe("env-secret");
      expect(rx.received[0]?.headers["x-runner-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    });

    it("sends no secret at all to a host outside CALLBACK_ALLOWED_HOSTS, but still delivers", async () => {
      const rx = await receiver();
      const node = await instance({ WEBHOOK_SECRET: "env-secret", CALLBACK_ALLOWED_HOSTS: "app.internal" });
      worker(node);
      const queued = await node.callbacks.enqueue({ url: `${rx.url}/cb?secret=own-secret`, payload: {} });
      const delivery = await waitFor("delivery", settled(node, queued.id));
      expect(delivery.status).toBe("delivered");
      const headers = rx.received[0]?.headers ?? {};
      expect(headers["x-webhook-secret"]).toBeUndefined();
      expect(headers["x-cursor-runner-secret"]).toBeUndefined();
      expect(headers["x-runner-signature"]).toBeUndefined();
      expect(headers["x-runner-delivery"]).toBe(queued.id);
      expect(node.logs.some((line) => String(line.msg).includes("not in CALLBACK_ALLOWED_HOSTS"))).toBe(true);
    });

    it("sends a ?secret= from the callback URL as the header and keeps it out of the stored URL and the log", async () => {
      const rx = await receiver();
      const node = await instance({ WEBHOOK_SECRET: "env-secret" });
      worker(node);
      const queued = await node.callbacks.enqueue({
        runId: "run-s",
        url: `${rx.url}/cb?secret=test-secret&keep=1`,
        payload: { ok: true },
      });
      expect(queued.url).toBe(`${rx.url}/cb?keep=1`);
      expect(queued.hasSecret).toBe(true);
      expect(JSON.stringify(queued)).not.toContain("test-secret");

      await waitFor("delivery", settled(node, queued.id));
      const [request] = rx.received;
      expect(request?.path).toBe("/cb?keep=1");
      expect(request?.headers["x-webhook-secret"]).toBe("test-secret");
      expect(await verify("test-secret", request?.headers["x-runner-signature"] as string, request?.body ?? "")).toMatchObject({
        valid: true,
      });
      const stored = await node.db.execute({ sql: "SELECT url FROM callback_deliveries WHERE id = ?", args: [queued.id] });
      expect(stored.rows[0]?.url).toBe(`${rx.url}/cb?keep=1`);
      expect(JSON.stringify(await node.callbacks.outbox.list({ runId: "run-s" }))).not.toContain("test-secret");
      expect(node.rawLog()).toContain("Calling callback webhook");
      expect(node.rawLog()).not.toContain("test-secret");
      expect(node.rawLog()).not.toContain("env-secret");
    });
  });

  describe("ElevenLabs gate (§3.2, §10.10)", () => {
    it("skips an ElevenLabs agent URL while the feature is off, without sending or leaking the secret", async () => {
      const node = await instance();
      worker(node);
      const queued = await node.callbacks.enqueue({
        url: "https://elevenlabs-agent.invalid/callback?secret=el-secret",
        payload: {},
      });
      const delivery = await waitFor("skip", settled(node, queued.id));
      expect(delivery).toMatchObject({ status: "skipped", attempts: 0, lastError: ELEVENLABS_SKIP_MESSAGE });
      expect(await node.callbacks.outbox.listAttempts(queued.id)).toEqual([]);
      const line = node.logs.find((l) => l.msg === ELEVENLABS_SKIP_MESSAGE);
      expect(line?.url).toBe("https://elevenlabs-agent.invalid/callback");
      expect(node.rawLog()).not.toContain("el-secret");
    });

    it("sends it when ELEVENLABS_AGENT_ENABLED is on", async () => {
      const node = await instance({ ELEVENLABS_AGENT_ENABLED: "true" });
      const called: string[] = [];
      const deliver = createDeliverer({
        allowedHosts: [],
        elevenLabsEnabled: node.config.callbacks.elevenLabsEnabled,
        log: node.log,
        // The one stand-in: no ElevenLabs host exists in a test, so the network call is answered here.
        fetch: async (input) => {
          called.push(String(input));
          return new Response("ok", { status: 200 });
        },
      });
      const queued = await node.callbacks.outbox.enqueue({ url: "https://api.elevenlabs.io/v1/callback", payload: {} });
      const [claimed] = await node.callbacks.outbox.claimDue({ instanceId: "t", limit: 1, leaseMs: 60_000 });
      expect(claimed?.id).toBe(queued.id);
      expect(await deliver(claimed!)).toMatchObject({ kind: "delivered", httpStatus: 200 });
      expect(called).toEqual(["https://api.elevenlabs.io/v1/callback"]);
    });
  });

  describe("durability", () => {
    it("resumes after a restart: enqueued by one process, delivered once by the next", async () => {
      const rx = await receiver();
      const before = await openInstance(dir);
      const queued = await before.callbacks.enqueue({ runId: "run-r", url: rx.url, payload: { n: 1 } });
      before.close(); // no worker ever ran in this process

      const after = await instance();
      worker(after);
      const delivery = await waitFor("delivery", settled(after, queued.id));
      expect(delivery.status).toBe("delivered");
      expect(rx.received.map((r) => r.headers["x-runner-delivery"])).toEqual([queued.id]);
    });

    it("picks up a delivery whose holder died mid-attempt once its lease expires", async () => {
      const rx = await receiver();
      const before = await openInstance(dir);
      const queued = await before.callbacks.enqueue({ url: rx.url, payload: {} });
      const [claimed] = await before.callbacks.outbox.claimDue({ instanceId: "dead", limit: 1, leaseMs: 2000 });
      expect(claimed?.id).toBe(queued.id);
      before.close(); // "crashes" holding the lease

      const after = await instance();
      expect(await after.callbacks.outbox.claimDue({ instanceId: "other", limit: 10, leaseMs: 1000 })).toEqual([]);
      worker(after);
      const delivery = await waitFor("delivery", settled(after, queued.id));
      expect(delivery).toMatchObject({ status: "delivered", attempts: 1, claimedBy: null });
      expect(rx.received).toHaveLength(1);
    });

    it("hands each due delivery to exactly one of many racing claims from two connections", async () => {
      const a = await instance();
      const b = await instance();
      const ids: string[] = [];
      for (let i = 0; i < 40; i++)
        ids.push((await a.callbacks.outbox.enqueue({ url: "http://127.0.0.1:9/x", payload: { i } })).id);
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).callbacks.outbox.claimDue({ instanceId: `claimer-${i}`, limit: 3, leaseMs: 60_000 }),
        ),
      );
      const claimed = claims.flat().map((d) => d.id);
      expect(claimed).toHaveLength(new Set(claimed).size);
      expect(claimed.every((id) => ids.includes(id))).toBe(true);
      const owners = await a.db.execute("SELECT COUNT(*) AS n FROM callback_deliveries WHERE claimed_by IS NOT NULL");
      expect(Number(owners.rows[0]?.n)).toBe(claimed.length);
    });

    it("two instances sharing the database deliver each callback exactly once", async () => {
      const rx = await receiver();
      const a = await instance();
      const b = await instance();
      const ids: string[] = [];
      for (let i = 0; i < 30; i++)
        ids.push((await a.callbacks.outbox.enqueue({ runId: "run-many", url: rx.url, payload: { i } })).id);
      worker(a);
      worker(b);

      await waitFor("all deliveries", async () => {
        const listed = await b.callbacks.outbox.list({ runId: "run-many" });
        return listed.every((d) => d.status === "delivered");
      });
      const seen = rx.received.map((r) => r.headers["x-runner-delivery"] as string);
      expect(seen).toHaveLength(30);
      expect(new Set(seen)).toEqual(new Set(ids));
      const attempts = await a.db.execute("SELECT COUNT(*) AS n FROM callback_attempts");
      expect(Number(attempts.rows[0]?.n)).toBe(30);
    });
  });

  it("stop() waits for the attempt in flight and leaves no timer behind", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const node = await instance();
    const seen: string[] = [];
    const deliver = createDeliverer({
      allowedHosts: [],
      elevenLabsEnabled: false,
      log: node.log,
      fetch: async () => {
        seen.push("called");
        await gate;
        return new Response(null, { status: 204 });
      },
    });
    const running = startCallbackWorker({ outbox: node.callbacks.outbox, deliver, log: node.log, pollMs: 10 });
    const queued = await node.callbacks.outbox.enqueue({ url: "http://127.0.0.1:9/never", payload: {} });
    await waitFor("attempt to start", () => seen.length === 1);
    let stopped = false;
    const stopping = running.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await node.callbacks.outbox.get(queued.id))?.status).toBe("delivered");
  });
});
