import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchesAnyToken } from "../../src/http/auth";
import { jsonRequest, makeTestContext, type TestContext } from "../support/deps";

let ctx: TestContext;
beforeAll(async () => {
  ctx = await makeTestContext({ RUNNER_API_TOKENS: "a,b" });
});
afterAll(() => ctx.cleanup());

const withAuth = (authorization: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), Authorization: authorization },
});

async function expectUnauthorized(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="cursor-runner"');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ success: false, error: "Unauthorized" });
  // Nothing else but the request id, so the client learns nothing about the tokens.
  expect(Object.keys(body).sort()).toEqual(["error", "requestId", "success"]);
}

describe("bearer auth with RUNNER_API_TOKENS=a,b", () => {
  it("401s without an Authorization header", async () => {
    await expectUnauthorized(await ctx.app.request("/api/tasks"));
  });

  it.each(["Bearer c", "Bearer ab", "Bearer a,b", "Bearer A", "Bearer aa", "Bearer "])(
    "401s on a wrong token (%s)",
    async (header) => {
      await expectUnauthorized(await ctx.app.request("/api/tasks", withAuth(header)));
    },
  );

  it.each(["a", "Basic a", "Token a", "Bearer", "Bearer a b", "Bearera", "Basic YTpi"])(
    "401s on a malformed header (%s)",
    async (header) => {
      await expectUnauthorized(await ctx.app.request("/api/tasks", withAuth(header)));
    },
  );

  it.each(["Bearer a", "Bearer b", "bearer a", "Bearer   b  "])("lets the right token through (%s)", async (header) => {
    const res = await ctx.app.request("/api/tasks", withAuth(header));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it("applies to writes too, and the write happens only with a token", async () => {
    await expectUnauthorized(await ctx.app.request("/api/tasks", jsonRequest("POST", { prompt: "sneaky" })));
    const created = await ctx.app.request(
      "/api/tasks",
      jsonRequest("POST", { prompt: "allowed" }, { Authorization: "Bearer b" }),
    );
    expect(created.status).toBe(201);
    const list = (await (await ctx.app.request("/api/tasks", withAuth("Bearer a"))).json()) as { prompt: string }[];
    expect(list.map((t) => t.prompt)).toEqual(["allowed"]);
  });

  it("leaves GET and HEAD /health open", async () => {
    const res = await ctx.app.request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", service: "cursor-runner" });
    expect((await ctx.app.request("/health", { method: "HEAD" })).status).toBe(200);
  });

  it("keeps /health/queue, other methods on /health, /openapi.json and /docs protected", async () => {
    await expectUnauthorized(await ctx.app.request("/health/queue"));
    await expectUnauthorized(await ctx.app.request("/health", { method: "POST" }));
    await expectUnauthorized(await ctx.app.request("/health/"));
    await expectUnauthorized(await ctx.app.request("/openapi.json"));
    await expectUnauthorized(await ctx.app.request("/docs"));
    expect((await ctx.app.request("/health/queue", withAuth("Bearer a"))).status).toBe(200);
    expect((await ctx.app.request("/openapi.json", withAuth("Bearer b"))).status).toBe(200);
  });

  it("401s (not 404) on an unknown route without a token; 404 with one", async () => {
    await expectUnauthorized(await ctx.app.request("/no/such/route"));
    const res = await ctx.app.request("/no/such/route", withAuth("Bearer a"));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ success: false, error: "Route not found", path: "/no/such/route", method: "GET" });
  });

  it("answers CORS preflights before auth", async () => {
    const res = await ctx.app.request("/api/tasks", { method: "OPTIONS", headers: { Origin: "http://localhost" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
  });
});

describe("without RUNNER_API_TOKENS", () => {
  it("every route is open", async () => {
    const open = await makeTestContext();
    try {
      expect((await open.app.request("/api/tasks")).status).toBe(200);
      expect((await open.app.request("/health/queue", withAuth("Bearer whatever"))).status).toBe(200);
    } finally {
      open.cleanup();
    }
  });
});

describe("matchesAnyToken", () => {
  it("matches only a whole token from the list", async () => {
    expect(await matchesAnyToken("b", ["a", "b"])).toBe(true);
    expect(await matchesAnyToken("a", ["a", "b"])).toBe(true);
    expect(await matchesAnyToken("c", ["a", "b"])).toBe(false);
    expect(await matchesAnyToken("", ["a", "b"])).toBe(false);
    expect(await matchesAnyToken("a", [])).toBe(false);
    expect(await matchesAnyToken("secret", ["secret-longer"])).toBe(false);
  });
});
