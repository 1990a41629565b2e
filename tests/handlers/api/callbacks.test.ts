import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CallbackWorker } from "../../../src/callbacks";
import { FAST_ENV, startReceiver, waitFor } from "../../callbacks/harness";
import { makeTestContext, type TestContext } from "../../support/deps";

let ctx: TestContext;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let worker: CallbackWorker;

beforeEach(async () => {
  // The first request to each path fails. Keyed by path, not arrival order: the worker sends
  // concurrent deliveries at once, and which arrives first is up to the runtime's HTTP client.
  const failed = new Set<string>();
  rx = await startReceiver((req) => {
    const path = req.path.split("?")[0] ?? "";
    if (failed.has(path)) return { status: 200 };
    failed.add(path);
    return { status: 502, body: "bad gateway" };
  });
  ctx = await makeTestContext({ ...FAST_ENV, WEBHOOK_SECRET: "env-secret" });
  worker = ctx.deps.callbacks.startWorker();
});

afterEach(async () => {
  await worker.stop();
  await rx.close();
  ctx.cleanup();
});

const delivered = (id: string) => async () => {
  const delivery = await ctx.deps.callbacks.outbox.get(id);
  return delivery?.status === "delivered" ? delivery : null;
};

describe("GET /api/callbacks", () => {
  it("answers 400 with a sentence when neither runId nor requestId is given", async () => {
    const res = await ctx.app.request("/api/callbacks");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      success: false,
      error: "runId query parameter is required (or requestId), e.g. /api/callbacks?runId=<run id>",
    });
  });

  it("lists a run's deliveries with every attempt, and never the secret", async () => {
    const queued = await ctx.deps.callbacks.enqueue({
      runId: "run-1",
      requestId: "req-1",
      url: `${rx.url}/cb?secret=url-secret&token=abc`,
      payload: { success: true },
    });
    await ctx.deps.callbacks.enqueue({ runId: "run-other", url: rx.url, payload: {} });
    await waitFor("delivery", delivered(queued.id));

    const res = await ctx.app.request("/api/callbacks?runId=run-1");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("url-secret");
    const body = JSON.parse(text);
    expect(body.success).toBe(true);
    expect(body.deliveries).toHaveLength(1);
    expect(body.deliveries[0]).toMatchObject({
      id: queued.id,
      runId: "run-1",
      requestId: "req-1",
      url: `${rx.url}/cb?token=***`,
      payload: JSON.stringify({ success: true }),
      status: "delivered",
      attempts: 2,
      hasSecret: true,
      lastError: null,
    });
    expect(
      body.deliveries[0].attemptLog.map((a: { attempt: number; httpStatus: number; error: string | null }) => [
        a.attempt,
        a.httpStatus,
        a.error,
      ]),
    ).toEqual([
      [1, 502, "Webhook returned 502: bad gateway"],
      [2, 200, null],
    ]);

    const byRequest = await (await ctx.app.request("/api/callbacks?requestId=req-1")).json();
    expect(byRequest.deliveries.map((d: { id: string }) => d.id)).toEqual([queued.id]);
    expect((await (await ctx.app.request("/api/callbacks?runId=nope")).json()).deliveries).toEqual([]);
  });
});

describe("POST /api/callbacks/:id/redeliver", () => {
  it("answers 404 for an unknown delivery", async () => {
    const res = await ctx.app.request("/api/callbacks/does-not-exist/redeliver", { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ success: false, error: "Callback delivery not found" });
  });

  it("makes a delivered callback pending again and sends it once more with the same delivery id", async () => {
    const queued = await ctx.deps.callbacks.enqueue({ runId: "run-2", url: rx.url, payload: { again: true } });
    await waitFor("first delivery", delivered(queued.id));
    const before = rx.received.length;

    const res = await ctx.app.request(`/api/callbacks/${queued.id}/redeliver`, { method: "POST" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ success: true, delivery: { id: queued.id, status: "pending", deliveredAt: null } });
    expect(body.delivery.maxAttempts).toBe(body.delivery.attempts + ctx.deps.config.callbacks.retry.maxAttempts);

    await waitFor("second delivery", async () => rx.received.length > before && (await delivered(queued.id)()));
    const again = rx.received.slice(before);
    expect(again).toHaveLength(1);
    expect(again[0]?.headers["x-runner-delivery"]).toBe(queued.id);
    expect(again[0]?.body).toBe(JSON.stringify({ again: true }));
    const attempts = await ctx.deps.callbacks.outbox.listAttempts(queued.id);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
  });
});
