import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
