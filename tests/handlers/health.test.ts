import { describe, expect, it } from "vitest";
import { HttpError } from "../../src/http/errors";
import { jsonRequest, type TestContext, useTestContexts } from "../support/deps";

const QUEUE_WARNING =
  "All execution slots are occupied. Requests are queued. If this persists, cursor-cli processes may be hung.";

const context = useTestContexts();

/** A promise the test settles when it chooses. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

interface QueueBody {
  status: string;
  service: string;
  queue: { available: number; waiting: number; maxConcurrent: number; maxQueue: number };
  warning: string | null;
  cli: { command: string; available: boolean; path?: string; error?: string };
}

async function queueHealth(ctx: TestContext): Promise<QueueBody> {
  const res = await ctx.app.request("/health/queue");
  expect(res.status).toBe(200);
  return (await res.json()) as QueueBody;
}

describe("GET /health", () => {
  it("answers exactly {status:ok, service:cursor-runner}", async () => {
    const ctx = await context();
    const res = await ctx.app.request("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: "ok", service: "cursor-runner" });
    expect(ctx.logs.some((line) => line.msg === "Health check requested")).toBe(true);
  });
});

describe("GET /health/queue", () => {
  it("reports idle slots, warning null, and a missing CLI", async () => {
    const missing = "/nonexistent/bin/cursor-agent-for-tests";
    const ctx = await context({ CURSOR_CLI_PATH: missing, CURSOR_CLI_MAX_CONCURRENT: "3", CURSOR_CLI_MAX_QUEUE: "7" });
    const body = await queueHealth(ctx);
    expect(body).toEqual({
      status: "ok",
      service: "cursor-runner",
      queue: { available: 3, waiting: 0, maxConcurrent: 3, maxQueue: 7 },
      warning: null,
      cli: { command: missing, available: false, error: expect.stringContaining("CURSOR_CLI_PATH") },
      // Added by computer use (off unless DESKTOP_ENABLED=true); the original fields are unchanged.
      desktop: { enabled: false, available: false, error: expect.stringContaining("DESKTOP_ENABLED=true") },
    });
    expect(Object.hasOwn(body, "warning")).toBe(true);
  });

  it("uses the default of 5 slots and reports the default CLI command", async () => {
    const ctx = await context();
    const body = await queueHealth(ctx);
    expect(body.queue).toEqual({ available: 5, waiting: 0, maxConcurrent: 5, maxQueue: 100 });
    expect(body.cli.command).toBe("cursor-agent");
    expect(typeof body.cli.available).toBe("boolean");
  });

  it.each([
    ["/bin/sh", "/bin/sh"],
    ["node's own binary", process.execPath],
  ])("reports an existing executable (%s) as available with its path", async (_what, path) => {
    const ctx = await context({ CURSOR_CLI_PATH: path });
    const body = await queueHealth(ctx);
    expect(body.cli).toEqual({ command: path, available: true, path });
  });

  it("warns only when every slot is busy and something waits", async () => {
    const ctx = await context({ CURSOR_CLI_MAX_CONCURRENT: "1", CURSOR_CLI_MAX_QUEUE: "5" });
    const first = deferred();
    const second = deferred();
    const order: string[] = [];
    const running = ctx.deps.slots.run(async () => {
      await first.promise;
      order.push("first");
    });
    expect((await queueHealth(ctx)).warning).toBeNull(); // busy, but nothing waits

    const waiting = ctx.deps.slots.run(async () => {
      await second.promise;
      order.push("second");
    });
    const busy = await queueHealth(ctx);
    expect(busy.queue).toMatchObject({ available: 0, waiting: 1, maxConcurrent: 1 });
    expect(busy.warning).toBe(QUEUE_WARNING);

    first.resolve();
    await running;
    const handedOver = await queueHealth(ctx);
    expect(handedOver.queue).toMatchObject({ available: 0, waiting: 0 });
    expect(handedOver.warning).toBeNull();

    second.resolve();
    await waiting;
    await ctx.deps.slots.onIdle();
    expect(order).toEqual(["first", "second"]);
    expect((await queueHealth(ctx)).queue).toMatchObject({ available: 1, waiting: 0 });
  });
});

describe("slots: a full queue answers 429 with Retry-After", () => {
  it("refuses the run beyond CURSOR_CLI_MAX_QUEUE without running it", async () => {
    const ctx = await context({ CURSOR_CLI_MAX_CONCURRENT: "1", CURSOR_CLI_MAX_QUEUE: "1" });
    const gate = deferred();
    const held = [ctx.deps.slots.run(() => gate.promise), ctx.deps.slots.run(() => gate.promise)];
    expect(ctx.deps.slots.status()).toMatchObject({ available: 0, waiting: 1 });

    let ran = false;
    const error = await ctx.deps.slots
      .run(async () => {
        ran = true;
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 429, headers: { "Retry-After": "5" } });
    expect((error as Error).message).toMatch(/queue is full/i);

    // Through the app's error handler it becomes the envelope with the header.
    ctx.app.post("/__slot_probe", () => ctx.deps.slots.run(async () => new Response("ran")));
    const res = await ctx.app.request("/__slot_probe", { method: "POST" });
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(await res.json()).toMatchObject({ success: false, error: expect.stringMatching(/queue is full/i) });

    gate.resolve();
    await Promise.all(held);
    expect(ran).toBe(false);
    expect(ctx.deps.slots.status()).toMatchObject({ available: 1, waiting: 0 });
  });

  it("with CURSOR_CLI_MAX_QUEUE=0, refuses as soon as every slot is busy", async () => {
    const ctx = await context({ CURSOR_CLI_MAX_CONCURRENT: "1", CURSOR_CLI_MAX_QUEUE: "0" });
    const gate = deferred();
    const held = ctx.deps.slots.run(() => gate.promise);
    await expect(ctx.deps.slots.run(async () => "never")).rejects.toMatchObject({ status: 429 });
    gate.resolve();
    await held;
    await expect(ctx.deps.slots.run(async () => "now fine")).resolves.toBe("now fine");
  });
});

describe("POST /telegram/webhook", () => {
  it.each([
    ["message", { update_id: 1, message: { text: "hi" } }],
    ["edited_message", { update_id: 2, edited_message: { text: "hi!" } }],
    ["callback_query", { update_id: 3, callback_query: { data: "x" } }],
    ["unknown", { update_id: 4 }],
    ["unknown", { update_id: 5, message: null, edited_message: 0, callback_query: "" }],
    ["edited_message", { message: false, edited_message: { text: "only this is truthy" } }],
    ["message", { message: { text: "first wins" }, callback_query: { data: "y" } }],
  ])("answers 200 with updateType %s", async (updateType, update) => {
    const ctx = await context();
    const res = await ctx.app.request("/telegram/webhook", jsonRequest("POST", update));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ success: true, received: true, updateType, timestamp: expect.any(String) });
    expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
    expect(ctx.logs.some((line) => line.msg === "Telegram update type" && line.updateType === updateType)).toBe(true);
  });

  it("treats an empty body as an unknown update", async () => {
    const ctx = await context();
    const res = await ctx.app.request("/telegram/webhook", jsonRequest("POST"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, received: true, updateType: "unknown" });
  });

  it("400s (not 500) on a JSON body that is not an object", async () => {
    const ctx = await context();
    const res = await ctx.app.request("/telegram/webhook", jsonRequest("POST", [1, 2]));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, error: expect.stringMatching(/JSON object/) });
  });
});
