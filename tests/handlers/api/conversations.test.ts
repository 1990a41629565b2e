import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextMillisecond } from "../../conversations/helpers";
import { jsonRequest, makeTestContext, type TestContext } from "../../support/deps";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NO_CACHE = {
  "cache-control": "no-store, no-cache, must-revalidate, proxy-revalidate",
  pragma: "no-cache",
  expires: "0",
};

let ctx: TestContext;
beforeAll(async () => {
  ctx = await makeTestContext();
});
afterAll(() => ctx.cleanup());

const json = async (res: Response) => (await res.json()) as any;

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(await json(res)).toMatchObject({ success: false, error });
}

function expectNoCache(res: Response) {
  for (const [name, value] of Object.entries(NO_CACHE)) expect(res.headers.get(name)).toBe(value);
}

async function newConversation(prefix = "/api", body?: unknown): Promise<string> {
  const res = await ctx.app.request(`${prefix}/new`, jsonRequest("POST", body));
  expect(res.status).toBe(200);
  return (await json(res)).conversationId;
}

describe.each(["/api", "/conversations/api"])("conversation router at %s", (prefix) => {
  it("POST /new creates a conversation on the api queue by default, with no-cache headers", async () => {
    const res = await ctx.app.request(`${prefix}/new`, { method: "POST" });
    expect(res.status).toBe(200);
    expectNoCache(res);
    const body = await json(res);
    expect(body).toEqual({
      success: true,
      conversationId: expect.stringMatching(UUID),
      message: "New conversation created",
      queueType: "api",
    });
    const got = await ctx.app.request(`${prefix}/${body.conversationId}`);
    expect(got.status).toBe(200);
    expectNoCache(got);
    expect(await json(got)).toMatchObject({ conversationId: body.conversationId, messages: [] });
  });

  it("POST /new honours and validates queueType", async () => {
    const res = await ctx.app.request(`${prefix}/new`, jsonRequest("POST", { queueType: "telegram" }));
    expect(await json(res)).toMatchObject({ success: true, queueType: "telegram" });
    const bad = await ctx.app.request(`${prefix}/new`, jsonRequest("POST", { queueType: "nope" }));
    await expectError(bad, 400, "queueType must be one of: default, telegram, api");
  });

  it("GET /:conversationId of an unknown id is 404 and creates nothing", async () => {
    const before = (await json(await ctx.app.request(`${prefix}/list`))).length;
    const res = await ctx.app.request(`${prefix}/00000000-0000-4000-8000-000000000000`);
    expectNoCache(res);
    await expectError(res, 404, "Conversation not found");
    const after = await json(await ctx.app.request(`${prefix}/list`));
    expect(after).toHaveLength(before);
    await expectError(await ctx.app.request(`${prefix}/00000000-0000-4000-8000-000000000000`), 404, "Conversation not found");
  });

  it("POST /:conversationId/message validates the message, then the conversation", async () => {
    const id = await newConversation(prefix);
    for (const body of [{}, { message: "" }, { message: "   " }, { message: 42 }, { message: null }]) {
      const res = await ctx.app.request(`${prefix}/${id}/message`, jsonRequest("POST", body));
      expectNoCache(res);
      await expectError(res, 400, "Message is required and must be a non-empty string");
    }
    await expectError(
      await ctx.app.request(`${prefix}/unknown-conversation/message`, jsonRequest("POST", { message: "hi" })),
      404,
      "Conversation not found",
    );
    expect(await json(await ctx.app.request(`${prefix}/unknown-conversation`))).toMatchObject({
      error: "Conversation not found",
    });
  });
});

describe("GET /api/list", () => {
  let ids: string[];
  beforeAll(async () => {
    const fresh = await makeTestContext();
    ctx.cleanup();
    ctx = fresh;
    ids = [];
    for (let i = 0; i < 5; i++) {
      await nextMillisecond(); // distinct write times, so "newest first" is one order
      ids.push(await newConversation(i % 2 ? "/conversations/api" : "/api"));
    }
  });

  it("answers the original's bare array without limit/offset", async () => {
    const res = await ctx.app.request("/api/list");
    expect(res.status).toBe(200);
    expectNoCache(res);
    const list = await json(res);
    expect(Array.isArray(list)).toBe(true);
    expect(list.map((c: any) => c.conversationId).sort()).toEqual([...ids].sort());
    expect(await json(await ctx.app.request("/conversations/api/list"))).toHaveLength(5);
  });

  it("pages with limit/offset, newest first, with a correct hasMore", async () => {
    const first = await json(await ctx.app.request("/api/list?limit=2"));
    expect(first.pagination).toEqual({ total: 5, limit: 2, offset: 0, hasMore: true });
    expect(first.conversations).toHaveLength(2);
    const second = await json(await ctx.app.request("/api/list?limit=2&offset=2"));
    expect(second.pagination).toEqual({ total: 5, limit: 2, offset: 2, hasMore: true });
    const last = await json(await ctx.app.request("/api/list?limit=2&offset=4"));
    expect(last.pagination).toEqual({ total: 5, limit: 2, offset: 4, hasMore: false });
    expect(last.conversations).toHaveLength(1);
    const exact = await json(await ctx.app.request("/api/list?limit=5"));
    expect(exact.pagination.hasMore).toBe(false);
    const offsetOnly = await json(await ctx.app.request("/api/list?offset=3"));
    expect(offsetOnly.pagination).toEqual({ total: 5, limit: 5, offset: 3, hasMore: false });
    expect(offsetOnly.conversations).toHaveLength(2);
    const pages = [...first.conversations, ...second.conversations, ...last.conversations].map((c: any) => c.conversationId);
    expect(new Set(pages).size).toBe(5);
    expect(pages).toEqual([...ids].reverse());
  });

  it("rejects bad paging values with the agent router's messages", async () => {
    for (const limit of ["0", "-1", "abc"]) {
      await expectError(await ctx.app.request(`/api/list?limit=${limit}`), 400, "limit must be a positive integer");
    }
    await expectError(await ctx.app.request("/api/list?offset=-1"), 400, "offset must be a non-negative integer");
    await expectError(await ctx.app.request("/api/list?offset=x"), 400, "offset must be a non-negative integer");
  });
});

describe("POST /cursor/conversation/new", () => {
  it("defaults to the default queue (§2.4.7) and moves that queue's pointer", async () => {
    const res = await ctx.app.request("/cursor/conversation/new", { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBeNull();
    const body = await json(res);
    expect(body).toEqual({
      success: true,
      conversationId: expect.stringMatching(UUID),
      message: "New conversation created",
      queueType: "default",
    });
    // The default queue now continues in it.
    expect(await ctx.deps.conversations.getConversationId(undefined, "default")).toBe(body.conversationId);
    const api = await json(await ctx.app.request("/cursor/conversation/new", jsonRequest("POST", { queueType: "api" })));
    expect(api.queueType).toBe("api");
  });
});

describe("reserved names under /api", () => {
  it.each(["agent", "working-directory", "settings", "callbacks", "new", "ws", "list"])(
    "GET /api/%s is never read as a conversation",
    async (name) => {
      const res = await ctx.app.request(`/api/${name}`);
      const body = await json(res);
      expect(body.error).not.toBe("Conversation not found");
    },
  );

  it("keeps the fixed routes they belong to", async () => {
    expect((await ctx.app.request("/api/tasks")).status).toBe(200);
    expect((await ctx.app.request("/api/settings")).status).toBe(200);
    expect(await json(await ctx.app.request("/api/agent"))).toEqual({
      success: false,
      error: "Route not found",
      path: "/api/agent",
      method: "GET",
    });
    const tasksMessage = await ctx.app.request("/api/tasks/message", jsonRequest("POST", { message: "x" }));
    expect(tasksMessage.status).toBe(404);
    expect((await json(tasksMessage)).error).not.toBe("Conversation not found");
  });

  it("GET on a WebSocket path without an upgrade answers 426", async () => {
    for (const path of ["/api/ws", "/conversations/api/ws", "/api/agent/ws", "/agent-conversations/api/ws"]) {
      await expectError(
        await ctx.app.request(`${path}?conversationId=x`),
        426,
        "This endpoint speaks WebSocket only: connect with Upgrade: websocket",
      );
    }
  });
});
