import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextMillisecond } from "../../conversations/helpers";
import { jsonRequest, makeTestContext, type TestContext } from "../../support/deps";

const AGENT_ID = /^agent-\d{13}-[0-9a-z]{9}$/;

let ctx: TestContext;
beforeAll(async () => {
  ctx = await makeTestContext();
});
afterAll(() => ctx.cleanup());

const json = async (res: Response) => (await res.json()) as any;
const post = (path: string, body?: unknown) => ctx.app.request(path, jsonRequest("POST", body));

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate, proxy-revalidate");
  expect(await json(res)).toMatchObject({ success: false, error });
}

describe("agent conversation router (/api/agent)", () => {
  it("POST /new creates an active conversation, with agentId and metadata when given", async () => {
    const res = await post("/api/agent/new", { agentId: "voice-1", metadata: { channel: "phone" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("pragma")).toBe("no-cache");
    const body = await json(res);
    expect(body).toEqual({
      success: true,
      conversationId: expect.stringMatching(AGENT_ID),
      message: "New agent conversation created",
    });
    const got = await json(await ctx.app.request(`/api/agent/${body.conversationId}`));
    expect(got).toMatchObject({
      conversationId: body.conversationId,
      agentId: "voice-1",
      metadata: { channel: "phone" },
      messages: [],
      status: "active",
      title: `Agent Conversation ${body.conversationId.slice(0, 8)}`,
    });
    const bare = await json(await ctx.app.request("/api/agent/new", { method: "POST" }));
    expect(bare.success).toBe(true);
    await expectError(await post("/api/agent/new", { metadata: "x" }), 400, "metadata must be an object");
    await expectError(await post("/api/agent/new", { agentId: 5 }), 400, "agentId must be a string");
  });

  it("POST /:id/message appends with source text by default, and validates", async () => {
    const { conversationId } = await json(await post("/api/agent/new"));
    const res = await post(`/api/agent/${conversationId}/message`, { role: "user", content: "hello" });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ success: true, conversationId, message: "Message added to conversation" });
    await post(`/api/agent/${conversationId}/message`, { role: "assistant", content: "hi", source: "voice" });
    const got = await json(await ctx.app.request(`/api/agent/${conversationId}`));
    expect(got.messages).toEqual([
      {
        role: "user",
        content: "hello",
        source: "text",
        timestamp: expect.any(String),
        messageId: expect.stringMatching(/^msg-\d{13}-[0-9a-z]{9}$/),
      },
      { role: "assistant", content: "hi", source: "voice", timestamp: expect.any(String), messageId: expect.any(String) },
    ]);

    for (const body of [{}, { role: "user" }, { content: "x" }, { role: "", content: "x" }, { role: "user", content: "" }]) {
      await expectError(await post(`/api/agent/${conversationId}/message`, body), 400, "Missing required fields: role, content");
    }
    await expectError(
      await post(`/api/agent/${conversationId}/message`, { role: "robot", content: "x" }),
      400,
      "role must be one of: user, assistant, system, tool",
    );
    await expectError(
      await post(`/api/agent/${conversationId}/message`, { role: "user", content: 5 }),
      400,
      "content must be a string",
    );
  });

  it("answers 404 (not the original's 500) for a message to an unknown conversation", async () => {
    await expectError(
      await post("/api/agent/agent-0-missing/message", { role: "user", content: "x" }),
      404,
      "Agent conversation not found",
    );
  });

  it("GET /:id of an unknown conversation is 404", async () => {
    await expectError(await ctx.app.request("/api/agent/agent-0-missing"), 404, "Agent conversation not found");
  });
});

describe("GET /api/agent/list", () => {
  let ids: string[];
  beforeAll(async () => {
    const fresh = await makeTestContext();
    ctx.cleanup();
    ctx = fresh;
    ids = [];
    for (let i = 0; i < 4; i++) {
      await nextMillisecond();
      const { conversationId } = await json(await post("/api/agent/new"));
      for (let m = 0; m < i; m++) await post(`/api/agent/${conversationId}/message`, { role: "user", content: `m${m}` });
      ids.push(conversationId);
    }
  });

  it("lists everything by lastAccessedAt desc with no paging", async () => {
    const res = await ctx.app.request("/api/agent/list");
    expect(res.status).toBe(200);
    expect(res.headers.get("expires")).toBe("0");
    const body = await json(res);
    expect(body.pagination).toEqual({ total: 4, limit: 4, offset: 0, hasMore: false });
    expect(body.conversations.map((c: any) => c.conversationId)).toEqual([...ids].reverse());
  });

  it("sorts by messageCount and createdAt in either order", async () => {
    const count = await json(await ctx.app.request("/api/agent/list?sortBy=messageCount&sortOrder=asc"));
    expect(count.conversations.map((c: any) => c.messages.length)).toEqual([0, 1, 2, 3]);
    const created = await json(await ctx.app.request("/api/agent/list?sortBy=createdAt&sortOrder=desc"));
    expect(created.conversations.map((c: any) => c.conversationId)).toEqual([...ids].reverse());
  });

  it("computes hasMore whenever limit is given (§12 item 21)", async () => {
    const limitOnly = await json(await ctx.app.request("/api/agent/list?limit=2&sortBy=createdAt&sortOrder=asc"));
    expect(limitOnly.pagination).toEqual({ total: 4, limit: 2, offset: 0, hasMore: true });
    expect(limitOnly.conversations.map((c: any) => c.conversationId)).toEqual(ids.slice(0, 2));
    const middle = await json(await ctx.app.request("/api/agent/list?limit=2&offset=1&sortBy=createdAt&sortOrder=asc"));
    expect(middle.pagination).toEqual({ total: 4, limit: 2, offset: 1, hasMore: true });
    expect(middle.conversations.map((c: any) => c.conversationId)).toEqual(ids.slice(1, 3));
    const end = await json(await ctx.app.request("/api/agent/list?limit=2&offset=2"));
    expect(end.pagination.hasMore).toBe(false);
    const offsetOnly = await json(await ctx.app.request("/api/agent/list?offset=3"));
    expect(offsetOnly.pagination).toEqual({ total: 4, limit: 4, offset: 3, hasMore: false });
    expect(offsetOnly.conversations).toHaveLength(1);
    const lenient = await json(await ctx.app.request("/api/agent/list?limit=3abc"));
    expect(lenient.pagination.limit).toBe(3);
    const empty = await json(await ctx.app.request("/api/agent/list?limit=&offset=&sortBy=&sortOrder="));
    expect(empty.pagination).toEqual({ total: 4, limit: 4, offset: 0, hasMore: false });
  });

  it("rejects bad parameters with the original's exact messages", async () => {
    for (const limit of ["-1", "0", "abc"]) {
      await expectError(await ctx.app.request(`/api/agent/list?limit=${limit}`), 400, "limit must be a positive integer");
    }
    for (const offset of ["-1", "abc"]) {
      await expectError(await ctx.app.request(`/api/agent/list?offset=${offset}`), 400, "offset must be a non-negative integer");
    }
    await expectError(
      await ctx.app.request("/api/agent/list?sortBy=title"),
      400,
      "sortBy must be one of: createdAt, lastAccessedAt, messageCount",
    );
    await expectError(await ctx.app.request("/api/agent/list?sortOrder=up"), 400, "sortOrder must be one of: asc, desc");
  });
});
