import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, verify } from "../../src/callbacks/signer";
import { isProcessAlive } from "../../src/exec/proc";
import { UI_CSP } from "../../src/http/ui";
import { ASYNC_ACK } from "../../src/runs/async-ack";
import { waitFor } from "../support/wait";
import { API_TOKEN, startReceiver, startWorker, startWorkerStack, UI_ASSETS, WEBHOOK_SECRET, type WorkerStack } from "./stack";

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe("the Worker bundle in Miniflare, against sqld, Redis over the Upstash bridge and a real sidecar", () => {
  let stack: WorkerStack;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let mf: Miniflare;
  const receivers: Receiver[] = [];

  const receiver = async (statuses?: number[]) => {
    const started = await startReceiver(statuses);
    receivers.push(started);
    return started;
  };

  const call = async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await mf.dispatchFetch(`http://localhost${path}`, {
      method: init.method ?? "GET",
      headers: {
        Authorization: `Bearer ${API_TOKEN}`,
        ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  const executeAsync = (prompt: string, callbackUrl: string) =>
    call("/cursor/execute/async", {
      method: "POST",
      headers: { "X-Webhook-Secret": WEBHOOK_SECRET },
      body: { prompt, repository: "demo", callbackUrl },
    });

  const deliveries = async (runId: string) =>
    (await call(`/api/callbacks?runId=${runId}`)).body.deliveries as Record<string, any>[];

  const expectSigned = async (request: Receiver["requests"][number]) => {
    const header = request.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(await verify(WEBHOOK_SECRET, header, request.rawBody)).toMatchObject({ valid: true });
  };

  beforeAll(async () => {
    stack = await startWorkerStack();
    worker = await startWorker(stack.bundle, stack.bindings);
    mf = worker.mf;
  }, 120_000);

  afterAll(async () => {
    if (process.env.WORKER_TEST_OUTPUT) console.log(worker?.output());
    await worker?.mf.dispose();
    for (const started of receivers) await started.close();
    await stack?.close();
  });

  it("runs POST /cursor/execute/async in the background: the agent writes its file and the callback arrives once, signed", async () => {
    const target = await receiver();
    const ack = await executeAsync("WRITE hello.txt <<from the worker>>", `${target.url}/done`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ success: true, message: ASYNC_ACK, runId: expect.any(String) });
    const { runId } = ack.body;

    // The file is written by the fake agent, which the sidecar ran in the repository.
    const file = join(stack.repos, "demo", "hello.txt");
    await waitFor(() => existsSync(file), { what: "the agent's file" });
    expect(readFileSync(file, "utf8")).toBe("from the worker");

    await waitFor(() => target.requests.length > 0, { what: "the callback" });
    const [request] = target.requests;
    expect(request?.url).toBe("/done");
    await expectSigned(request!);
    expect(JSON.parse(request!.rawBody)).toMatchObject({ success: true, requestId: ack.body.requestId });

    const run = await call(`/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ id: runId, status: "succeeded" });

    // Delivered on the first attempt; a cron pass afterwards sends nothing more.
    const [delivery] = await waitFor(async () => {
      const list = await deliveries(runId);
      return list[0]?.status === "delivered" && list;
    });
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1 });
    await worker.cron();
    expect(target.requests).toHaveLength(1);
  });

  it("retries a failed callback from the cron trigger", async () => {
    const target = await receiver([500, 200]);
    const ack = await executeAsync("SAY retried", `${target.url}/flaky`);
    const { runId } = ack.body;
    // The attempt made right after the run failed; without a loop on Workers nothing retries it…
    const [failed] = await waitFor(async () => {
      const list = await deliveries(runId);
      return list[0]?.attempts === 1 && list;
    });
    expect(failed).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("500") });
    expect(target.requests).toHaveLength(1);

    // …until the scheduled handler runs.
    await worker.cron();
    await waitFor(() => target.accepted().length === 1, { what: "the retried callback" });
    await expectSigned(target.accepted()[0]!);
    expect(target.requests).toHaveLength(2);
    const [delivered] = await waitFor(async () => {
      const list = await deliveries(runId);
      return list[0]?.status === "delivered" && list;
    });
    expect(delivered).toMatchObject({ attempts: 2 });
  });

  it("fails a run whose owner stopped heart-beating from the cron trigger, and reports it", async () => {
    const target = await receiver();
    const id = crypto.randomUUID();
    const long = new Date(Date.now() - 3_600_000).toISOString();
    await stack.db.execute({
      sql: `INSERT INTO runs (id, request_id, agent, mode, cwd, prompt, status, callback_url, owner, heartbeat_at, created_at, updated_at)
            VALUES (?, ?, 'cursor', 'async', ?, 'SAY lost', 'running', ?, 'a-vanished-isolate', ?, ?, ?)`,
      args: [id, `req-${id}`, join(stack.repos, "demo"), `${target.url}/stale`, long, long, long],
    });
    await worker.cron();
    const run = await waitFor(async () => {
      const found = await call(`/runs/${id}`);
      return found.body.status !== "running" && found;
    });
    expect(run.body).toMatchObject({ status: "failed", reason: "interrupted" });
    await waitFor(() => target.accepted().length === 1, { what: "the interrupted run's callback" });
    expect(JSON.parse(target.accepted()[0]!.rawBody)).toMatchObject({ success: false, requestId: `req-${id}` });
  });

  it("heart-beats a long run past the stale window, so the cron spares it; cancel stops it on the sidecar", async () => {
    const target = await receiver();
    const ack = await executeAsync("SAY started\nSLEEP 60000", `${target.url}/long`);
    const { runId } = ack.body;
    const row = async () =>
      (await stack.db.execute({ sql: "SELECT status, started_at, heartbeat_at FROM runs WHERE id = ?", args: [runId] })).rows[0];
    const staleAfterMs = Number(stack.bindings.RUN_STALE_AFTER_MS);
    // Wait until the run has lived longer than the stale window, with its heartbeat still fresh.
    await waitFor(
      async () => {
        const current = await row();
        if (current?.status !== "running") return false;
        const started = Date.parse(String(current.started_at));
        const beat = Date.parse(String(current.heartbeat_at));
        return Date.now() - started > 2 * staleAfterMs && beat - started > staleAfterMs;
      },
      { what: "a heartbeat after the stale window" },
    );
    await worker.cron();
    expect((await call(`/runs/${runId}`)).body).toMatchObject({ status: "running" });

    const cancelled = await call(`/runs/${runId}/cancel`, { method: "POST" });
    expect(cancelled.body).toMatchObject({ status: "cancelled", reason: "cancelled" });
    // The sidecar was told: its process for this run ended as cancelled, and no process is left running.
    const processes = (await stack.sidecar.get("/v1/processes")).body.processes as Record<string, any>[];
    expect(processes.filter((p) => !p.result)).toEqual([]);
    expect(processes.at(-1)?.result).toMatchObject({ reason: "cancelled" });
    for (const pid of await stack.sidecar.pids()) expect(isProcessAlive(pid)).toBe(false);
    await waitFor(() => target.accepted().length === 1, { what: "the cancelled run's callback" });
    expect(JSON.parse(target.accepted()[0]!.rawBody)).toMatchObject({ success: false });
  });

  it("answers 429 beyond the isolate's slot limit instead of queueing, and streams a run's events to another request", async () => {
    const target = await receiver();
    const first = await executeAsync("SAY one\nSLEEP 400\nSAY two", `${target.url}/first`);
    const second = await executeAsync("SAY never", `${target.url}/second`);
    expect(second.status).toBe(429);
    expect(second.body.error).toMatch(/queue is full/);

    // Followed from another request than the one running it: SSE replay, live events, the end.
    const res = await mf.dispatchFetch(`http://localhost/runs/${first.body.runId}/events`, {
      headers: { Authorization: `Bearer ${API_TOKEN}` },
    });
    const text = await res.text();
    expect(text).toContain('"text":"one"');
    expect(text).toContain('"text":"two"');
    expect(text).toMatch(/event: end\ndata: \{[^\n]*"status":"succeeded"/);
    await waitFor(() => target.accepted().length === 1, { what: "the first run's callback" });
    expect(target.requests.map((r) => r.url)).toEqual(["/first"]);
  });

  it("keeps bearer auth, answers 501 for repository operations and logs JSON without secrets", async () => {
    const anonymous = await mf.dispatchFetch("http://localhost/runs/x");
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
    const git = await call("/git/repositories");
    expect(git.status).toBe(501);
    expect(git.body.error).toMatch(/Node runtime/);
    expect((await call("/health")).body).toMatchObject({ status: "ok" });

    const lines = worker
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.some((line) => line.service === "cursor-runner" && line.msg === "Callback delivered")).toBe(true);
    for (const secret of [API_TOKEN, WEBHOOK_SECRET, stack.bindings.SIDECAR_TOKEN, stack.bindings.UPSTASH_REDIS_REST_TOKEN]) {
      expect(worker.output()).not.toContain(secret);
    }
  });

  it("serves the web UI from the ASSETS binding with the same headers as on Node, and keeps the API behind the token", async () => {
    const page = await mf.dispatchFetch("http://localhost/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toBe(UI_CSP);
    const html = await page.text();
    const script = /src="\/ui\/(assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    expect(script).toBeDefined();

    const asset = await mf.dispatchFetch(`http://localhost/ui/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await asset.text()).toBe(readFileSync(join(UI_ASSETS, script), "utf8"));

    const missing = await mf.dispatchFetch("http://localhost/ui/assets/nope.js");
    expect(missing.status).toBe(404);
    await missing.text();
    // The asset server never answers an API path, even one that looks like a file.
    const api = await mf.dispatchFetch("http://localhost/index.html");
    expect(api.status).toBe(401);
    await api.text();
    expect((await call("/runs?limit=1")).status).toBe(200);
  });

  it("answers 503 and logs which bindings are missing when it is misconfigured", async () => {
    const { DATABASE_URL: _db, UPSTASH_REDIS_REST_TOKEN: _token, ...incomplete } = stack.bindings;
    const broken = await startWorker(stack.bundle, { ...incomplete, DATABASE_URL: "file:local.db" });
    try {
      const res = await broken.mf.dispatchFetch("http://localhost/health");
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        success: false,
        error: "Service unavailable: the Worker is misconfigured (see its logs)",
      });
      await waitFor(() => broken.output().includes("Invalid Workers configuration"), { what: "the start-up error log" });
      expect(broken.output()).toMatch(/DATABASE_URL must be http\(s\):\/\/ or libsql:\/\/ on Workers \(got file:/);
      expect(broken.output()).toContain("UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are required");
    } finally {
      await broken.mf.dispose();
    }
  });
});
