import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisConversationStore } from "../../src/conversations/redis";
import { createConversationService } from "../../src/conversations/service";
import type { Conversation, ConversationStore } from "../../src/conversations/types";
import { type RedisServer, startRedisServer } from "../support/redis";
import { waitFor } from "./helpers";
import { keysCalls } from "./redis-stats";
import { conversationStoreContract } from "./store.contract";

conversationStoreContract(
  "redis (TCP)",
  async () => {
    const server = await startRedisServer();
    const admin = createClient({ url: server.url, RESP: 2, socket: { reconnectStrategy: 100 } });
    admin.on("error", () => {});
    await admin.connect();
    return {
      open: (options) => createRedisConversationStore({ url: server.url, ...options }),
      reset: async () => {
        await admin.flushDb();
      },
      teardown: async () => {
        admin.destroy();
        await server.close();
      },
      outage: { stop: () => server.stop(), start: () => server.start() },
      keysCalls: () => keysCalls(admin),
    };
  },
  { outage: true },
);

describe("redis store: data written by the original service", () => {
  let server: RedisServer;
  let raw: ReturnType<typeof createClient>;
  let store: ConversationStore;

  beforeAll(async () => {
    server = await startRedisServer();
    raw = createClient({ url: server.url, RESP: 2, socket: { reconnectStrategy: 50 } });
    raw.on("error", () => {}); // this suite stops the server on purpose
    await raw.connect();
    store = await createRedisConversationStore({ url: server.url });
  });
  afterAll(async () => {
    await store?.close();
    raw?.destroy();
    await server?.close();
  });

  it("reads a conversation the original wrote with SETEX and no index, and indexes it on the next write", async () => {
    const original: Conversation = {
      conversationId: "3f1c0a4e-0000-4000-8000-000000000001",
      messages: [{ role: "user", content: "from the original", timestamp: "2025-01-01T00:00:00.000Z" }],
      createdAt: "2025-01-01T00:00:00.000Z",
      lastAccessedAt: "2025-01-01T00:00:00.000Z",
    };
    await raw.setEx(`cursor:conversation:${original.conversationId}`, 3600, JSON.stringify(original));
    await raw.set("cursor:last_conversation_id", original.conversationId); // the original's pointers never expire

    expect(await store.getConversation(original.conversationId)).toEqual(original);
    expect((await store.getLastConversation("default"))?.conversationId).toBe(original.conversationId);
    expect((await store.listConversations()).total).toBe(0); // not in our index yet

    await store.saveConversation({ ...original, lastAccessedAt: new Date().toISOString() });
    expect((await store.listConversations()).conversations.map((c) => c.conversationId)).toEqual([original.conversationId]);
    // The pointer now lives exactly as long as its conversation.
    const [pointerTtl, valueTtl] = await Promise.all([
      raw.pTTL("cursor:last_conversation_id"),
      raw.pTTL(`cursor:conversation:${original.conversationId}`),
    ]);
    expect(pointerTtl).toBeGreaterThan(0);
    expect(Math.abs(pointerTtl - valueTtl)).toBeLessThan(1000);
    // And what we wrote is the original's shape under the original's key.
    expect(JSON.parse((await raw.get(`cursor:conversation:${original.conversationId}`)) ?? "null")).toMatchObject({
      conversationId: original.conversationId,
      messages: original.messages,
    });
  });

  it("appends atomically to a conversation the original wrote, keeping its key and JSON shape", async () => {
    const id = "3f1c0a4e-0000-4000-8000-000000000002";
    const original: Conversation = {
      conversationId: id,
      messages: [{ role: "user", content: "from the original", timestamp: "2025-01-01T00:00:00.000Z" }],
      createdAt: "2025-01-01T00:00:00.000Z",
      lastAccessedAt: "2025-01-01T00:00:00.000Z",
    };
    await raw.setEx(`cursor:conversation:${id}`, 3600, JSON.stringify(original));
    const second = await createRedisConversationStore({ url: server.url });
    try {
      const services = [createConversationService(store), createConversationService(second)];
      await Promise.all(Array.from({ length: 10 }, (_, n) => services[n % 2]!.addMessage(id, "assistant", `ours-${n}`)));
      const stored = (await raw.get(`cursor:conversation:${id}`)) ?? "";
      const parsed = JSON.parse(stored) as Conversation;
      // The original's shape, key order included, and exactly what JSON.stringify of it gives.
      expect(Object.keys(parsed)).toEqual(["conversationId", "messages", "createdAt", "lastAccessedAt"]);
      expect(stored).toBe(JSON.stringify(parsed));
      expect(parsed.messages[0]).toEqual(original.messages[0]);
      expect(
        parsed.messages
          .slice(1)
          .map((m) => m.content)
          .sort(),
      ).toEqual(Array.from({ length: 10 }, (_, n) => `ours-${n}`).sort());
      expect(await raw.pTTL(`cursor:conversation:${id}`)).toBeGreaterThan(3_000_000);
    } finally {
      await second.close();
    }
  });

  it("replaces an original pointer at a conversation that is gone once, however many instances ask", async () => {
    await raw.set("cursor:last_conversation_id", "gone-before-we-came"); // no TTL, no conversation
    const second = await createRedisConversationStore({ url: server.url });
    try {
      const services = [createConversationService(store), createConversationService(second)];
      const ids = await Promise.all(Array.from({ length: 8 }, (_, n) => services[n % 2]!.getConversationId(undefined)));
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).not.toBe("gone-before-we-came");
      expect(await raw.get("cursor:last_conversation_id")).toBe(ids[0]);
      expect(await raw.pTTL("cursor:last_conversation_id")).toBeGreaterThan(0); // ours live as long as the conversation
      expect(JSON.parse((await raw.get(`cursor:conversation:${ids[0]}`)) ?? "null")).toMatchObject({
        conversationId: ids[0],
        messages: [],
      });
    } finally {
      await second.close();
    }
  });

  it("drops an original pointer whose conversation has expired", async () => {
    await raw.set("cursor:telegram:last_conversation_id", "long-gone");
    expect(await store.getLastConversation("telegram")).toBeNull();
    expect(await raw.exists("cursor:telegram:last_conversation_id")).toBe(0);
  });

  it("reads a legacy agent conversation without conversationId, filling it from the key", async () => {
    const legacy = {
      messages: [],
      createdAt: "2025-01-01T00:00:00.000Z",
      lastAccessedAt: "2025-01-01T00:00:00.000Z",
      title: "t",
      status: "active",
    };
    await raw.setEx("agent:conversation:agent-1-legacy", 3600, JSON.stringify(legacy));
    expect(await store.getAgentConversation("agent-1-legacy")).toEqual({ ...legacy, conversationId: "agent-1-legacy" });
  });

  it("prunes index entries whose value vanished behind its back", async () => {
    await store.saveConversation({ conversationId: "c-vanish", messages: [], createdAt: "x", lastAccessedAt: "x" });
    await store.saveAgentConversation({
      conversationId: "agent-vanish",
      messages: [],
      createdAt: "2025-01-01T00:00:00.000Z",
      lastAccessedAt: "2025-01-01T00:00:00.000Z",
      title: "t",
      status: "active",
    });
    await raw.del(["cursor:conversation:c-vanish", "agent:conversation:agent-vanish"]);
    expect((await store.listConversations()).conversations.some((c) => c.conversationId === "c-vanish")).toBe(false);
    expect(await raw.zScore("cursor:conversations:index", "c-vanish")).toBeNull();
    expect((await store.listAgentConversations()).conversations.some((c) => c.conversationId === "agent-vanish")).toBe(false);
    expect(await raw.zScore("agent:conversations:index", "agent-vanish")).toBeNull();
  });

  it("is usable when created while Redis is down, once Redis comes up", async () => {
    await server.stop();
    const late = await createRedisConversationStore({ url: server.url, connectTimeoutMs: 200 });
    try {
      await expect(late.getConversation("x")).rejects.toMatchObject({ name: "StoreUnavailableError" });
      await server.start();
      // Polls until the background reconnect has happened; the read then finds nothing.
      await waitFor(async () => ((await late.getConversation("x")) === null ? true : undefined), 15_000, "recovery");
    } finally {
      await late.close();
    }
  });
});
