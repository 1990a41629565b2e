import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestContext, type TestContext } from "../../support/deps";

let ctx: TestContext;
beforeAll(async () => {
  ctx = await makeTestContext({ RUNNER_API_TOKENS: "a,b" });
});
afterAll(() => ctx.cleanup());

describe("?token= is accepted on the WebSocket paths only", () => {
  it("lets a right ?token= through on a WebSocket path (which then asks for an upgrade)", async () => {
    const res = await ctx.app.request("/api/ws?conversationId=x&token=b");
    expect(res.status).toBe(426);
    expect(res.headers.get("upgrade")).toBe("websocket");
    expect((await ctx.app.request("/api/agent/ws?conversationId=x&token=wrong")).status).toBe(401);
    expect((await ctx.app.request("/api/ws?conversationId=x")).status).toBe(401);
  });

  it("never accepts ?token= anywhere else, and a bad header is not rescued by the query", async () => {
    expect((await ctx.app.request("/api/tasks?token=a")).status).toBe(401);
    expect((await ctx.app.request("/api/list?token=a")).status).toBe(401);
    const badHeader = await ctx.app.request("/api/ws?conversationId=x&token=a", { headers: { Authorization: "Bearer nope" } });
    expect(badHeader.status).toBe(401);
  });
});
