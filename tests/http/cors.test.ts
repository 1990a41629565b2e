import { describe, expect, it } from "vitest";
import { useTestContexts } from "../support/deps";

const DEFAULT_ORIGINS = ["http://localhost:3002", "http://localhost:80", "http://localhost", "https://localhost"];
const ALWAYS = {
  "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
  "access-control-allow-headers": "Content-Type, Authorization",
  "access-control-allow-credentials": "true",
};

const context = useTestContexts();

function expectAlwaysHeaders(res: Response) {
  for (const [name, value] of Object.entries(ALWAYS)) expect(res.headers.get(name)).toBe(value);
}

describe("CORS (§2.1)", () => {
  it.each(DEFAULT_ORIGINS)("reflects the allowed origin %s with credentials, methods and headers", async (origin) => {
    const ctx = await context();
    const res = await ctx.app.request("/health", { headers: { Origin: origin } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("vary")).toMatch(/Origin/);
    expectAlwaysHeaders(res);
  });

  it.each(["http://evil.example", "http://localhost:3003", "https://localhost:443", "null"])(
    "omits Allow-Origin for %s but still sends the other headers",
    async (origin) => {
      const ctx = await context();
      const res = await ctx.app.request("/health", { headers: { Origin: origin } });
      expect(res.status).toBe(200);
      expect(res.headers.has("access-control-allow-origin")).toBe(false);
      expectAlwaysHeaders(res);
    },
  );

  it("sends the fixed headers without an Origin too", async () => {
    const ctx = await context();
    const res = await ctx.app.request("/api/tasks");
    expect(res.headers.has("access-control-allow-origin")).toBe(false);
    expectAlwaysHeaders(res);
  });

  it("FRONTEND_URL adds one allowed origin", async () => {
    const ctx = await context({ FRONTEND_URL: "https://app.example.com" });
    const allowed = await ctx.app.request("/health", { headers: { Origin: "https://app.example.com" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const other = await ctx.app.request("/health", { headers: { Origin: "https://other.example.com" } });
    expect(other.headers.has("access-control-allow-origin")).toBe(false);
    const builtIn = await ctx.app.request("/health", { headers: { Origin: "http://localhost:3002" } });
    expect(builtIn.headers.get("access-control-allow-origin")).toBe("http://localhost:3002");
  });

  it("NODE_ENV=development reflects any origin", async () => {
    const ctx = await context({ NODE_ENV: "development" });
    const res = await ctx.app.request("/health", { headers: { Origin: "http://anything.example:1234" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://anything.example:1234");
    expectAlwaysHeaders(res);
  });

  it("NODE_ENV=production does not", async () => {
    const ctx = await context({ NODE_ENV: "production" });
    const res = await ctx.app.request("/health", { headers: { Origin: "http://anything.example:1234" } });
    expect(res.headers.has("access-control-allow-origin")).toBe(false);
  });

  it.each([
    ["/health", "http://localhost"],
    ["/api/tasks/1", "http://localhost:3002"],
    ["/no/such/route", "http://evil.example"],
    ["/", undefined],
  ])("answers OPTIONS %s with 200 OK before routing", async (path, origin) => {
    const ctx = await context();
    const res = await ctx.app.request(path, {
      method: "OPTIONS",
      headers: origin ? { Origin: origin, "Access-Control-Request-Method": "DELETE" } : {},
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
    expectAlwaysHeaders(res);
    if (origin === "http://evil.example" || !origin) expect(res.headers.has("access-control-allow-origin")).toBe(false);
    else expect(res.headers.get("access-control-allow-origin")).toBe(origin);
  });

  it("answers OPTIONS without a token when auth is on", async () => {
    const ctx = await context({ RUNNER_API_TOKENS: "t0k3n" });
    const res = await ctx.app.request("/api/tasks", { method: "OPTIONS", headers: { Origin: "http://localhost" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost");
  });

  it("puts the headers on error responses (401, 404, 400) too", async () => {
    const ctx = await context({ RUNNER_API_TOKENS: "t0k3n" });
    const headers = { Origin: "http://localhost" };
    const unauthorized = await ctx.app.request("/api/tasks", { headers });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("access-control-allow-origin")).toBe("http://localhost");
    expectAlwaysHeaders(unauthorized);

    const auth = { ...headers, Authorization: "Bearer t0k3n" };
    const missing = await ctx.app.request("/nowhere", { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe("http://localhost");

    const invalid = await ctx.app.request("/api/tasks/abc", { headers: auth });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("access-control-allow-origin")).toBe("http://localhost");
  });
});
