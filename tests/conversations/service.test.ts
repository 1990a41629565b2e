import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAgentConversationService } from "../../src/conversations/agent-service";
import { buildContextString, isContextWindowError } from "../../src/conversations/context";
import { AgentConversationNotFoundError, ConversationNotFoundError, StoreUnavailableError } from "../../src/conversations/errors";
import { createLibsqlConversationStore } from "../../src/conversations/libsql";
import { createConversationService, toQueueType } from "../../src/conversations/service";
import type { ConversationStore, Message } from "../../src/conversations/types";
import { createUpstashConversationStore } from "../../src/conversations/upstash";
import { freePort } from "../support/redis";
import { collector, nextMillisecond } from "./helpers";
import { createTestDatabase, type TestDatabase } from "./libsql-db";

let database: TestDatabase;
let store: ConversationStore;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.cleanup());
beforeEach(async () => {
  await database.db.executeMultiple(
    "DELETE FROM conversations; DELETE FROM conversation_pointers; DELETE FROM agent_conversations; DELETE FROM conversation_changes;",
  );
  store = createLibsqlConversationStore(database.db, { pollIntervalMs: 25 });
});
afterEach(async () => {
  await store.close();
});

describe("conversation service", () => {
  it("reads unknown ids as null and creates nothing (§12 item 14)", async () => {
    const service = createConversationService(store);
    await service.forceNewConversation("default");
    const pointer = (await store.getLastConversation("default"))?.conversationId;

    expect(await service.getConversation("unknown")).toBeNull();
    expect(await service.getConversationContext("unknown")).toEqual([]);
    expect(await service.getRawConversation("unknown")).toEqual([]);
    await expect(service.addMessage("unknown", "user", "hi")).rejects.toBeInstanceOf(ConversationNotFoundError);
    await expect(service.summarizeConversation("unknown", async () => "s")).rejects.toBeInstanceOf(ConversationNotFoundError);

    expect((await service.listConversations()).total).toBe(1);
    expect(await store.getConversation("unknown")).toBeNull();
    expect((await store.getLastConversation("default"))?.conversationId).toBe(pointer);
  });

  it("reuses the queue's last conversation and keeps queues apart", async () => {
    const service = createConversationService(store);
    const first = await service.getConversationId(undefined, "api");
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await service.getConversationId(undefined, "api")).toBe(first);

    const telegram = await service.getConversationId(undefined, "telegram");
    expect(telegram).not.toBe(first);
    const fresh = await service.forceNewConversation("api");
    expect(fresh).not.toBe(first);
    expect(await service.getConversationId(undefined, "api")).toBe(fresh);
    expect(await service.getConversationId(undefined, "telegram")).toBe(telegram);
  });

  it("touches an existing conversation named by id", async () => {
    const service = createConversationService(store);
    const id = await service.forceNewConversation("default");
    const before = (await service.getConversation(id))!.lastAccessedAt;
    await nextMillisecond();
    expect(await service.getConversationId(id, "api")).toBe(id);
    expect((await service.getConversation(id))!.lastAccessedAt > before).toBe(true);
    // Naming a conversation does not make it any queue's last one.
    expect(await store.getLastConversation("api")).toBeNull();
  });

  it("creates a conversation the caller names explicitly, without moving any pointer", async () => {
    const service = createConversationService(store);
    const pointer = await service.forceNewConversation("default");
    expect(await service.getConversationId("caller-named", "default")).toBe("caller-named");
    expect((await service.getConversation("caller-named"))?.messages).toEqual([]);
    expect((await store.getLastConversation("default"))?.conversationId).toBe(pointer);
  });

  it("adds messages and keeps the context current after a summary (§12 item 15)", async () => {
    const service = createConversationService(store);
    const id = await service.forceNewConversation("api");
    for (const n of [1, 2, 3, 4, 5]) await service.addMessage(id, n % 2 ? "user" : "assistant", `m${n}`);
    expect((await service.getConversationContext(id)).map((m) => m.content)).toEqual(["m1", "m2", "m3", "m4", "m5"]);

    let seen: Message[] = [];
    const summarized = await service.summarizeConversation(id, async (messages) => {
      seen = messages;
      return "five messages";
    });
    expect(seen.map((m) => m.content)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
    expect(summarized.summarizedMessages?.map((m) => m.content)).toEqual([
      "[Conversation Summary] five messages",
      "m3",
      "m4",
      "m5",
    ]);

    await service.addMessage(id, "user", "m6");
    expect((await service.getConversationContext(id)).map((m) => m.content)).toEqual([
      "[Conversation Summary] five messages",
      "m3",
      "m4",
      "m5",
      "m6",
    ]);
    expect((await service.getRawConversation(id)).map((m) => m.content)).toEqual(["m1", "m2", "m3", "m4", "m5", "m6"]);

    // A second summary starts from the current context, the later message included.
    await service.summarizeConversation(id, async (messages) => {
      seen = messages;
      return "again";
    });
    expect(seen.map((m) => m.content)).toContain("m6");
    expect((await service.getConversationContext(id)).map((m) => m.content)).toEqual([
      "[Conversation Summary] again",
      "m4",
      "m5",
      "m6",
    ]);
  });

  it("keeps messages that arrive while a summary is being written", async () => {
    const service = createConversationService(store);
    const id = await service.forceNewConversation("default");
    await service.addMessage(id, "user", "before");
    await service.summarizeConversation(id, async () => {
      await service.addMessage(id, "assistant", "during");
      return "sum";
    });
    expect((await service.getConversationContext(id)).map((m) => m.content)).toEqual([
      "[Conversation Summary] sum",
      "before",
      "during",
    ]);
  });

  it("stores review-agent messages only while debug is on", async () => {
    let debug = false;
    const service = createConversationService(store, { isDebugEnabled: async () => debug });
    const id = await service.forceNewConversation("default");
    expect(await service.addMessage(id, "user", "[Review Agent Request] x", { isReviewAgent: true })).toBeNull();
    debug = true;
    await service.addMessage(id, "user", "[Review Agent Request] y", { isReviewAgent: true });
    expect((await service.getRawConversation(id)).map((m) => m.content)).toEqual(["[Review Agent Request] y"]);
  });

  it("publishes created, message_added and summarized changes", async () => {
    const service = createConversationService(store);
    const box = collector();
    const stop = store.subscribe(box.listener);
    await stop.ready;
    const id = await service.forceNewConversation("api");
    await service.addMessage(id, "user", "hi");
    await service.summarizeConversation(id, async () => "s");
    await service.getConversationId(id); // a touch is not a change
    await box.waitFor((c) => c.reason === "summarized", "summarized");
    expect(box.changes.map((c) => [c.type, c.conversationId, c.reason])).toEqual([
      ["conversation.created", id, undefined],
      ["conversation.updated", id, "message_added"],
      ["conversation.updated", id, "summarized"],
    ]);
    stop();
  });

  it("degrades as §7.3 says when storage is unreachable, and says so elsewhere", async () => {
    const port = await freePort(); // nothing listens there
    const down = createUpstashConversationStore({ url: `http://127.0.0.1:${port}`, token: "t", requestTimeoutMs: 2000 });
    const service = createConversationService(down);
    expect(await service.getConversationId("given", "api")).toBe("given");
    expect(await service.getConversationId(undefined, "api")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await service.getConversationContext("given")).toEqual([]);
    await expect(service.addMessage("given", "user", "hi")).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(service.getConversation("given")).rejects.toBeInstanceOf(StoreUnavailableError);
    await down.close();
  });

  it("maps queue values as the original did", () => {
    expect(toQueueType("telegram")).toBe("telegram");
    expect(toQueueType("api")).toBe("api");
    expect(toQueueType("default")).toBe("default");
    expect(toQueueType("something-else")).toBe("default");
    expect(toQueueType(undefined)).toBe("default");
  });
});

describe("agent conversation service", () => {
  it("creates conversations in the original's id and title format", async () => {
    const agents = createAgentConversationService(store);
    const created = await agents.createConversation("agent-7", { channel: "voice" });
    expect(created.conversationId).toMatch(/^agent-\d{13}-[0-9a-z]{9}$/);
    expect(created).toMatchObject({
      messages: [],
      agentId: "agent-7",
      metadata: { channel: "voice" },
      title: `Agent Conversation ${created.conversationId.slice(0, 8)}`,
      status: "active",
    });
    expect(await store.getAgentConversation(created.conversationId)).toEqual(created);
    const bare = await agents.createConversation();
    expect(bare).not.toHaveProperty("agentId");
    expect(bare).not.toHaveProperty("metadata");
  });

  it("touches lastAccessedAt on read; unknown ids read as null", async () => {
    const agents = createAgentConversationService(store);
    const created = await agents.createConversation();
    await nextMillisecond();
    const read = await agents.getConversation(created.conversationId);
    expect(read!.lastAccessedAt > created.lastAccessedAt).toBe(true);
    expect((await store.getAgentConversation(created.conversationId))!.lastAccessedAt).toBe(read!.lastAccessedAt);
    expect(await agents.getConversation("agent-0-missing")).toBeNull();
    expect((await agents.listConversations()).total).toBe(1);
  });

  it("adds messages with a timestamp and messageId; unknown ids throw the original's message", async () => {
    const agents = createAgentConversationService(store);
    const { conversationId } = await agents.createConversation();
    const updated = await agents.addMessage(conversationId, { role: "user", content: "hello", source: "voice" });
    expect(updated.messages).toEqual([
      {
        role: "user",
        content: "hello",
        source: "voice",
        timestamp: expect.any(String),
        messageId: expect.stringMatching(/^msg-\d{13}-[0-9a-z]{9}$/),
      },
    ]);
    const kept = await agents.addMessage(conversationId, {
      role: "tool",
      content: "x",
      timestamp: "2025-01-01T00:00:00.000Z",
      messageId: "m-1",
    });
    expect(kept.messages[1]).toMatchObject({ timestamp: "2025-01-01T00:00:00.000Z", messageId: "m-1" });

    const missing = agents.addMessage("agent-0-nope", { role: "user", content: "x" });
    await expect(missing).rejects.toBeInstanceOf(AgentConversationNotFoundError);
    await expect(missing).rejects.toThrow("Agent conversation agent-0-nope not found");
  });

  it("lists with sorting, paging and total; updates publish changes", async () => {
    const agents = createAgentConversationService(store);
    const box = collector();
    const stop = store.subscribe(box.listener);
    await stop.ready;
    const a = await agents.createConversation();
    await nextMillisecond();
    const b = await agents.createConversation();
    await agents.addMessage(a.conversationId, { role: "user", content: "1" });
    await agents.updateConversation({ ...b, status: "completed" });

    const byCount = await agents.listConversations({ sortBy: "messageCount", sortOrder: "desc", limit: 1 });
    expect(byCount.total).toBe(2);
    expect(byCount.conversations.map((c) => c.conversationId)).toEqual([a.conversationId]);
    expect(
      (await agents.listConversations({ sortBy: "createdAt", sortOrder: "desc" })).conversations.map((c) => c.conversationId),
    ).toEqual([b.conversationId, a.conversationId]);
    expect((await agents.getConversation(b.conversationId))?.status).toBe("completed");

    await box.waitFor((c) => c.conversationId === b.conversationId && c.reason === "updated", "updated");
    expect(box.changes.map((c) => [c.type, c.reason])).toEqual([
      ["agent_conversation.created", undefined],
      ["agent_conversation.created", undefined],
      ["agent_conversation.updated", "message_added"],
      ["agent_conversation.updated", "updated"],
    ]);
    stop();
  });
});

describe("context helpers (§7.5)", () => {
  it("builds the context string without review-agent traffic", () => {
    const at = new Date().toISOString();
    expect(buildContextString([])).toBe("");
    expect(
      buildContextString([
        { role: "user", content: "fix it", timestamp: at },
        { role: "assistant", content: "[Review Agent Response] ok", timestamp: at },
        { role: "user", content: "[Review Agent Request] check", timestamp: at },
        { role: "assistant", content: "done", timestamp: at },
      ]),
    ).toBe("user: fix it\n\ncursor: done");
  });

  it("recognises context-window errors", () => {
    for (const text of [
      "Error: Context window is too large",
      "context_length_exceeded",
      "Token limit exceeded for this model",
      "This model's maximum context length is 8192 tokens",
      "CONTEXT TOO LONG",
    ]) {
      expect(isContextWindowError(text)).toBe(true);
    }
    expect(isContextWindowError("rate limited")).toBe(false);
  });
});
