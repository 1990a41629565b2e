import { afterEach, describe, expect, it } from "vitest";
import { makeTestContext, type TestContext } from "../support/deps";

describe("rate limits per token", () => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  it("answers 429 with Retry-After past the limit; each token has its own budget; /health is never limited", async () => {
    ctx = await makeTestContext({ RUNNER_API_TOKENS: "tok-1,tok-2", RATE_LIMIT_PER_WINDOW: "3", RATE_LIMIT_WINDOW_MS: "60000" });
    const get = (token: string) => ctx.app.request("/api/settings", { headers: { Authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) {
      const ok = await get("tok-1");
      expect(ok.status).toBe(200);
      expect(ok.headers.get("RateLimit-Remaining")).toBe(String(2 - i));
    }
    const limited = await get("tok-1");
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({
      success: false,
      error: `Too many requests: at most 3 per 60 s for this token; retry after ${retryAfter} s`,
    });
    expect((await get("tok-2")).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await ctx.app.request("/health")).status).toBe(200);
    // A wrong token is refused by auth and spends nobody's budget.
    expect((await get("wrong")).status).toBe(401);
    expect((await get("tok-2")).status).toBe(200);
  });

  it("RATE_LIMIT_PER_WINDOW=0 turns it off", async () => {
    ctx = await makeTestContext({ RATE_LIMIT_PER_WINDOW: "0" });
    for (let i = 0; i < 20; i++) expect((await ctx.app.request("/api/settings")).status).toBe(200);
  });
});
