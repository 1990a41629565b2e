import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConversationConflictError } from "../../src/conversations/errors";
import type { AppEnv } from "../../src/http/env";
import { onError } from "../../src/http/error-handler";
import { jsonRequest, makeTestContext, type TestContext } from "../support/deps";

let ctx: TestContext;
beforeAll(async () => {
  ctx = await makeTestContext();
});
afterAll(() => ctx.cleanup());

describe("404 for unmatched routes (§2.3)", () => {
  it.each([
    ["GET", "/nope", "/nope"],
    ["GET", "/nope/deeper?x=1", "/nope/deeper"],
    ["POST", "/api/unknown", "/api/unknown"],
    ["DELETE", "/api/tasks", "/api/tasks"],
    ["PUT", "/health", "/health"],
  ])("%s %s → exactly {success:false, error:'Route not found', path, method}", async (method, url, path) => {
    const init = method === "GET" ? { method } : jsonRequest(method, {});
    const res = await ctx.app.request(url, init);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ success: false, error: "Route not found", path, method });
  });
});

describe("X-Request-Id", () => {
  it("echoes a given id, also in error bodies", async () => {
    const ok = await ctx.app.request("/health", { headers: { "X-Request-Id": "req-abc_123=" } });
    expect(ok.headers.get("X-Request-Id")).toBe("req-abc_123=");

    const bad = await ctx.app.request("/api/tasks/abc", { headers: { "X-Request-Id": "trace-42" } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("X-Request-Id")).toBe("trace-42");
    expect(await bad.json()).toEqual({ success: false, error: "Invalid task ID. Must be a number.", requestId: "trace-42" });
  });

  it("generates a fresh id when none is given", async () => {
    const a = (await ctx.app.request("/health")).headers.get("X-Request-Id");
    const b = (await ctx.app.request("/health")).headers.get("X-Request-Id");
    expect(a).toMatch(/^[\w-]{8,}$/);
    expect(b).toMatch(/^[\w-]{8,}$/);
    expect(a).not.toBe(b);
  });

  it.each([
    ["too long", "x".repeat(129)],
    ["with spaces and symbols", "bad id <script>"],
  ])("replaces a given id that is %s", async (_what, given) => {
    const id = (await ctx.app.request("/health", { headers: { "X-Request-Id": given } })).headers.get("X-Request-Id");
    expect(id).toBeTruthy();
    expect(id).not.toBe(given);
  });

  it("keys the access log line by the same id", async () => {
    await ctx.app.request("/api/tasks?status=1", { headers: { "X-Request-Id": "log-me-7" } });
    const line = ctx.logs.find((entry) => entry.msg === "request" && entry.requestId === "log-me-7");
    expect(line).toMatchObject({ method: "GET", path: "/api/tasks?status=1", status: 200, service: "cursor-runner" });
    expect(typeof line?.durationMs).toBe("number");
  });
});

describe("conversation updates that never won against concurrent writers", () => {
  it("are a 503 worth retrying, with the reason, not a 500", async () => {
    const app = new Hono<AppEnv>();
    app.onError(onError);
    app.post("/append", () => {
      throw new ConversationConflictError("c-1", 25);
    });
    const res = await app.request("/append", { method: "POST" });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(await res.json()).toMatchObject({
      success: false,
      error: "Conversation c-1 kept changing under concurrent writers; gave up after 25 attempts; try again shortly",
    });
  });
});
