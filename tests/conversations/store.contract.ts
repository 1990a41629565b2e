import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/conversations/errors";
import type { ConversationStore, StoreOptions } from "../../src/conversations/types";
import { agentConversation, collector, conversation, nextMillisecond, sleep, waitFor } from "./helpers";

export interface StoreHarness {
  /** A new store instance on the shared backend (a second call = a second instance). */
  open(options?: StoreOptions): Promise<ConversationStore>;
  /** Empties the backend. */
  reset(): Promise<void>;
  teardown(): Promise<void>;
  /** Backends that can be taken down and brought back on the same address. */
  outage?: { stop(): Promise<void>; start(): Promise<void> };
  /** Times the backend has run KEYS, where it can tell. */
  keysCalls?(): Promise<number>;
}

/**
 * The behaviour every ConversationStore must have, run against each backend on a real server.
 *
 * @example
 * conversationStoreContract("redis", async () => harness, { outage: true });
 */
export function conversationStoreContract(
  name: string,
  setup: () => Promise<StoreHarness>,
  features: { outage?: boolean } = {},
): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let harness: StoreHarness;
    const opened: ConversationStore[] = [];
    const open = async (options: StoreOptions = {}) => {
      const store = await harness.open({ pollIntervalMs: 50, ...options });
      opened.push(store);
      return store;
    };

    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.teardown();
    });
    beforeEach(async () => {
      await harness.reset();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it("saves and reads conversations; unknown ids read as null and create nothing", async () => {
      const store = await open();
      expect(await store.getConversation("nope")).toBeNull();
      expect(await store.getAgentConversation("nope")).toBeNull();
      expect((await store.listConversations()).total).toBe(0);
      expect((await store.listAgentConversations()).total).toBe(0);

      const saved = conversation("c-1", {
        messages: [{ role: "user", content: 'héllo ✓ "quoted"', timestamp: new Date().toISOString() }],
        summarizedMessages: [{ role: "assistant", content: "[Conversation Summary] s", timestamp: new Date().toISOString() }],
      });
      await store.saveConversation(saved);
      expect(await store.getConversation("c-1")).toEqual(saved);

      const agent = agentConversation("agent-1-abc", { agentId: "a", metadata: { nested: { n: 1 } } });
      await store.saveAgentConversation(agent);
      expect(await store.getAgentConversation("agent-1-abc")).toEqual(agent);
      // The families do not mix.
      expect(await store.getConversation("agent-1-abc")).toBeNull();
    });

    it("deletes conversations, and pointers at them stop resolving", async () => {
      const store = await open();
      await store.saveConversation(conversation("c-del"), { pointer: "api" });
      expect((await store.getLastConversation("api"))?.conversationId).toBe("c-del");
      expect(await store.deleteConversation("c-del")).toBe(true);
      expect(await store.deleteConversation("c-del")).toBe(false);
      expect(await store.getConversation("c-del")).toBeNull();
      expect(await store.getLastConversation("api")).toBeNull();
      expect((await store.listConversations()).total).toBe(0);

      await store.saveAgentConversation(agentConversation("agent-del"));
      expect(await store.deleteAgentConversation("agent-del")).toBe(true);
      expect(await store.getAgentConversation("agent-del")).toBeNull();
      expect((await store.listAgentConversations()).total).toBe(0);
    });

    it("keeps one pointer per queue", async () => {
      const store = await open();
      expect(await store.getLastConversation("default")).toBeNull();
      await store.saveConversation(conversation("c-default"), { pointer: "default" });
      await store.saveConversation(conversation("c-telegram"), { pointer: "telegram" });
      await store.saveConversation(conversation("c-api"), { pointer: "api" });
      await store.saveConversation(conversation("c-api-2"), { pointer: "api" });
      expect((await store.getLastConversation("default"))?.conversationId).toBe("c-default");
      expect((await store.getLastConversation("telegram"))?.conversationId).toBe("c-telegram");
      expect((await store.getLastConversation("api"))?.conversationId).toBe("c-api-2");
    });

    it("expires conversations after their TTL, taking lists and pointers with them", async () => {
      const store = await open({ ttlSeconds: 1 });
      await store.saveConversation(conversation("c-exp"), { pointer: "telegram" });
      await store.saveAgentConversation(agentConversation("agent-exp"));
      expect((await store.listConversations()).total).toBe(1);

      await waitFor(async () => ((await store.getConversation("c-exp")) === null ? true : undefined), 10_000, "expiry");
      expect(await store.getLastConversation("telegram")).toBeNull();
      expect(await store.listConversations()).toEqual({ conversations: [], total: 0 });
      await waitFor(
        async () => ((await store.getAgentConversation("agent-exp")) === null ? true : undefined),
        10_000,
        "agent expiry",
      );
      expect(await store.listAgentConversations()).toEqual({ conversations: [], total: 0 });
    });

    it("refreshes the TTL of a conversation and its pointer on every save", async () => {
      const short = await open({ ttlSeconds: 1 });
      const long = await open({ ttlSeconds: 3600 });
      await short.saveConversation(conversation("c-refresh"), { pointer: "default" });
      await short.saveAgentConversation(agentConversation("agent-refresh"));
      // Saved again (no pointer option) by an instance with the normal TTL: both must now outlive 1 s.
      await long.saveConversation(conversation("c-refresh", { messages: [] }));
      await long.saveAgentConversation(agentConversation("agent-refresh"));
      await sleep(1500);
      expect((await long.getConversation("c-refresh"))?.conversationId).toBe("c-refresh");
      expect((await long.getLastConversation("default"))?.conversationId).toBe("c-refresh");
      expect((await long.listConversations()).total).toBe(1);
      expect((await long.listAgentConversations()).total).toBe(1);
    });

    it("pages conversations most recently written first, with a total, without KEYS", async () => {
      const store = await open();
      const keysBefore = (await harness.keysCalls?.()) ?? 0;
      for (const n of [1, 2, 3, 4, 5]) {
        await store.saveConversation(conversation(`c-${n}`));
        await nextMillisecond();
      }
      await store.saveConversation(conversation("c-2")); // written again: now the newest
      const ids = (page: { conversations: { conversationId: string }[] }) => page.conversations.map((c) => c.conversationId);

      const all = await store.listConversations();
      expect(all.total).toBe(5);
      expect(ids(all)).toEqual(["c-2", "c-5", "c-4", "c-3", "c-1"]);
      expect(ids(await store.listConversations({ limit: 2, offset: 0 }))).toEqual(["c-2", "c-5"]);
      expect(await store.listConversations({ limit: 2, offset: 2 })).toMatchObject({ total: 5 });
      expect(ids(await store.listConversations({ limit: 2, offset: 2 }))).toEqual(["c-4", "c-3"]);
      expect(ids(await store.listConversations({ limit: 2, offset: 4 }))).toEqual(["c-1"]);
      expect(await store.listConversations({ limit: 2, offset: 10 })).toEqual({ conversations: [], total: 5 });
      expect(await store.listConversations({ limit: 0 })).toEqual({ conversations: [], total: 5 });
      expect(ids(await store.listConversations({ offset: 3 }))).toEqual(["c-3", "c-1"]);
      if (harness.keysCalls) expect(await harness.keysCalls()).toBe(keysBefore);
    });

    it("lists agent conversations sorted by createdAt, lastAccessedAt or messageCount, paged", async () => {
      const store = await open();
      const msg = (n: number) => Array.from({ length: n }, (_, i) => ({ role: "user" as const, content: `m${i}` }));
      await store.saveAgentConversation(
        agentConversation("agent-a", {
          createdAt: "2025-01-01T00:00:00.000Z",
          lastAccessedAt: "2025-03-01T00:00:00.000Z",
          messages: msg(2),
        }),
      );
      await store.saveAgentConversation(
        agentConversation("agent-b", {
          createdAt: "2025-01-02T00:00:00.000Z",
          lastAccessedAt: "2025-02-01T00:00:00.000Z",
          messages: msg(5),
        }),
      );
      await store.saveAgentConversation(
        agentConversation("agent-c", {
          createdAt: "2025-01-03T00:00:00.000Z",
          lastAccessedAt: "2025-04-01T00:00:00.000Z",
          messages: msg(0),
        }),
      );
      const ids = async (options: Parameters<ConversationStore["listAgentConversations"]>[0]) => {
        const page = await store.listAgentConversations(options);
        return { ids: page.conversations.map((c) => c.conversationId), total: page.total };
      };
      expect(await ids({})).toEqual({ ids: ["agent-c", "agent-a", "agent-b"], total: 3 }); // lastAccessedAt desc
      expect(await ids({ sortBy: "createdAt", sortOrder: "asc" })).toEqual({ ids: ["agent-a", "agent-b", "agent-c"], total: 3 });
      expect(await ids({ sortBy: "createdAt", sortOrder: "desc" })).toEqual({ ids: ["agent-c", "agent-b", "agent-a"], total: 3 });
      expect(await ids({ sortBy: "messageCount", sortOrder: "desc" })).toEqual({
        ids: ["agent-b", "agent-a", "agent-c"],
        total: 3,
      });
      expect(await ids({ sortBy: "lastAccessedAt", sortOrder: "asc" })).toEqual({
        ids: ["agent-b", "agent-a", "agent-c"],
        total: 3,
      });
      expect(await ids({ sortBy: "messageCount", sortOrder: "asc", limit: 1, offset: 1 })).toEqual({
        ids: ["agent-a"],
        total: 3,
      });
      expect(await ids({ limit: 5, offset: 3 })).toEqual({ ids: [], total: 3 });
    });

    it("delivers change notifications to this instance and to another on the same backend", async () => {
      const writer = await open();
      const reader = await open();
      const mine = collector();
      const theirs = collector();
      const stopMine = writer.subscribe(mine.listener);
      const stopTheirs = reader.subscribe(theirs.listener);
      await Promise.all([stopMine.ready, stopTheirs.ready]);

      await writer.saveConversation(conversation("c-note"), { pointer: "api", change: "created" });
      await writer.saveConversation(conversation("c-note"), { change: "message_added" });
      await writer.saveAgentConversation(agentConversation("agent-note"), { change: "updated" });
      await writer.publish({
        type: "conversation.updated",
        conversationId: "c-manual",
        reason: "summarized",
        at: new Date().toISOString(),
      });

      for (const box of [mine, theirs]) {
        await box.waitFor((c) => c.type === "conversation.created" && c.conversationId === "c-note", "created");
        await box.waitFor((c) => c.type === "conversation.updated" && c.reason === "message_added", "message_added");
        await box.waitFor((c) => c.type === "agent_conversation.updated" && c.reason === "updated", "agent updated");
        await box.waitFor((c) => c.conversationId === "c-manual" && c.reason === "summarized", "published");
      }
      // Saves without `change` stay quiet; everything arrives once, in order.
      expect(theirs.changes.map((c) => c.conversationId)).toEqual(["c-note", "c-note", "agent-note", "c-manual"]);

      stopTheirs();
      await writer.publish({
        type: "conversation.updated",
        conversationId: "c-after",
        reason: "updated",
        at: new Date().toISOString(),
      });
      await mine.waitFor((c) => c.conversationId === "c-after", "after unsubscribe");
      expect(theirs.changes.some((c) => c.conversationId === "c-after")).toBe(false);
      stopMine();
    });

    // Registered only where the backend can be stopped (an embedded libSQL file cannot).
    if (!features.outage) return;
    it("rejects promptly with StoreUnavailableError during an outage and recovers by itself", async () => {
      const outage = harness.outage!;
      const store = await open();
      await store.saveConversation(conversation("c-before"));
      await outage.stop();
      try {
        const outcome = await Promise.race([
          store.getConversation("c-before").then(
            () => "resolved",
            (error: unknown) => error,
          ),
          sleep(15_000).then(() => "still pending after 15 s"),
        ]);
        expect(outcome).toBeInstanceOf(StoreUnavailableError);
        await expect(store.saveConversation(conversation("c-during"))).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.listConversations()).rejects.toBeInstanceOf(StoreUnavailableError);
      } finally {
        await outage.start();
      }
      // Same store object, no restart: it reconnects in the background.
      await waitFor(
        async () => {
          await store.saveConversation(conversation("c-after"));
          return true;
        },
        15_000,
        "recovery",
      );
      expect((await store.getConversation("c-after"))?.conversationId).toBe("c-after");
    });
  });
}
