import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAgentConversationService } from "../../src/conversations/agent-service";
import { ConversationConflictError, StoreUnavailableError } from "../../src/conversations/errors";
import { createConversationService } from "../../src/conversations/service";
import type { ConversationChange, ConversationStore, Message, StoreOptions } from "../../src/conversations/types";
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

    describe("concurrency (two instances on one backend)", () => {
      const text = (messages: { content: string }[] | undefined) => (messages ?? []).map((m) => m.content);
      const message = (content: string): Message => ({ role: "user", content, timestamp: new Date().toISOString() });

      /**
       * Every change `store` delivers from now until `done()`: a marker published last arrives after
       * everything published before it (the feeds keep order), so what came before it is complete.
       */
      const recordChanges = async (store: ConversationStore) => {
        const box = collector();
        const stop = store.subscribe(box.listener);
        await stop.ready;
        return async (): Promise<ConversationChange[]> => {
          const marker = `marker-${Math.random().toString(36).slice(2)}`;
          await store.publish({
            type: "conversation.updated",
            conversationId: marker,
            reason: "updated",
            at: new Date().toISOString(),
          });
          await box.waitFor((c) => c.conversationId === marker, "marker");
          stop();
          return box.changes.filter((c) => c.conversationId !== marker);
        };
      };

      it("keeps every message appended at once from two instances, once each, in one order (addMessage)", async () => {
        const stores = [await open(), await open()];
        const services = stores.map((store) => createConversationService(store));
        const id = await services[0]!.forceNewConversation("api");
        const changes = await recordChanges(stores[0]!);

        // 2 instances × 4 concurrent senders × 5 messages each, every sender in its own order.
        const sent = await Promise.all(
          services.flatMap((service, s) =>
            [0, 1, 2, 3].map(async (c) => {
              const mine: string[] = [];
              for (let n = 0; n < 5; n++) {
                const content = `i${s}-s${c}-m${n}`;
                const written = await service.addMessage(id, "user", content);
                // What came back is what was stored: it holds this message exactly once.
                expect(text(written?.messages).filter((t) => t === content)).toHaveLength(1);
                mine.push(content);
              }
              return mine;
            }),
          ),
        );

        const seenByOne = text((await stores[0]!.getConversation(id))?.messages);
        const seenByTwo = text((await stores[1]!.getConversation(id))?.messages);
        expect(seenByOne).toHaveLength(40);
        expect(new Set(seenByOne).size).toBe(40);
        expect([...seenByOne].sort()).toEqual(sent.flat().sort());
        for (const mine of sent) expect(seenByOne.filter((t) => mine.includes(t))).toEqual(mine);
        expect(seenByTwo).toEqual(seenByOne);
        // One change per message that landed; a write that lost its race published nothing.
        const added = (await changes()).filter((c) => c.conversationId === id && c.reason === "message_added");
        expect(added).toHaveLength(40);
      });

      it("keeps every agent message appended at once from two instances (addMessage)", async () => {
        const stores = [await open(), await open()];
        const agents = stores.map((store) => createAgentConversationService(store));
        const { conversationId } = await agents[0]!.createConversation("agent-x");
        const contents = Array.from({ length: 24 }, (_, n) => `agent-m${n}`);
        // A burst: all 24 in flight at once, half through each instance, with reads (which touch) in between.
        await Promise.all(
          contents.map(async (content, n) => {
            const agent = agents[n % 2]!;
            await agent.addMessage(conversationId, { role: n % 3 ? "user" : "assistant", content, source: "text" });
            await agent.getConversation(conversationId);
          }),
        );
        const stored = await stores[1]!.getAgentConversation(conversationId);
        expect([...text(stored?.messages)].sort()).toEqual([...contents].sort());
        expect(new Set(stored?.messages.map((m) => m.messageId)).size).toBe(24);
        expect((await stores[0]!.listAgentConversations({ sortBy: "messageCount" })).conversations[0]?.messages).toHaveLength(24);
      });

      it("re-reads and re-applies when another instance writes between the read and the write", async () => {
        const [one, two] = [await open(), await open()];
        await one.saveConversation(conversation("c-race", { messages: [message("first")] }));
        let calls = 0;
        const written = await one.updateConversation(
          "c-race",
          async (current) => {
            calls++;
            // The first attempt's read is now stale: another instance appends before it writes.
            if (calls === 1)
              await two.updateConversation("c-race", (c) => ({ ...c, messages: [...c.messages, message("theirs")] }));
            return { ...current, messages: [...current.messages, message("mine")] };
          },
          { change: "message_added" },
        );
        expect(calls).toBe(2);
        expect(text(written?.messages)).toEqual(["first", "theirs", "mine"]);
        expect(await two.getConversation("c-race")).toEqual(written);

        await one.saveAgentConversation(agentConversation("agent-race"));
        let agentCalls = 0;
        const agent = await one.updateAgentConversation("agent-race", async (current) => {
          agentCalls++;
          if (agentCalls === 1) await two.updateAgentConversation("agent-race", (c) => ({ ...c, status: "completed" }));
          return { ...current, title: "renamed" };
        });
        expect(agentCalls).toBe(2);
        expect(await two.getAgentConversation("agent-race")).toMatchObject({ title: "renamed", status: "completed" });
        expect(agent).toMatchObject({ title: "renamed", status: "completed" });
      });

      it("gives up with ConversationConflictError when contention never settles, writing nothing", async () => {
        const one = await open({ updateAttempts: 3 });
        const two = await open();
        await one.saveConversation(conversation("c-hot"));
        let calls = 0;
        const attempt = one.updateConversation("c-hot", async (current) => {
          calls++;
          await two.updateConversation("c-hot", (c) => ({ ...c, messages: [...c.messages, message(`theirs-${calls}`)] }));
          return { ...current, messages: [...current.messages, message("mine")] };
        });
        await expect(attempt).rejects.toBeInstanceOf(ConversationConflictError);
        await expect(attempt).rejects.toMatchObject({ conversationId: "c-hot", attempts: 3 });
        expect(calls).toBe(3);
        expect(text((await two.getConversation("c-hot"))?.messages)).toEqual(["theirs-1", "theirs-2", "theirs-3"]);
      });

      it("updates nothing and creates nothing for unknown or expired ids", async () => {
        const store = await open({ ttlSeconds: 1 });
        expect(await store.updateConversation("nope", (c) => c)).toBeNull();
        expect(await store.updateAgentConversation("nope", (c) => c)).toBeNull();
        await store.saveConversation(conversation("c-old"));
        await waitFor(async () => ((await store.getConversation("c-old")) === null ? true : undefined), 10_000, "expiry");
        expect(await store.updateConversation("c-old", (c) => ({ ...c, messages: [message("late")] }))).toBeNull();
        expect(await store.getConversation("c-old")).toBeNull();
        expect(await store.getConversation("nope")).toBeNull();
        expect((await store.listConversations()).total).toBe(0);
        expect((await store.listAgentConversations()).total).toBe(0);
      });

      it("keeps every message appended by another instance while a summary is written", async () => {
        const stores = [await open(), await open()];
        const [summarizer, writer] = stores.map((store) => createConversationService(store));
        const id = await summarizer!.forceNewConversation("default");
        for (let n = 0; n < 5; n++) await summarizer!.addMessage(id, "user", `before-${n}`);
        let input: string[] = [];
        const late = Array.from({ length: 12 }, (_, n) => `late-${n}`);
        await Promise.all([
          summarizer!.summarizeConversation(id, async (messages) => {
            input = text(messages);
            return "s";
          }),
          ...late.map((content) => writer!.addMessage(id, "assistant", content)),
        ]);
        const stored = (await stores[1]!.getConversation(id))!;
        expect([...text(stored.messages)].sort()).toEqual([...input, ...late.filter((t) => !input.includes(t))].sort());
        expect(text(stored.messages)).toHaveLength(17);
        // The context: the summary, the last three it covered, then everything it did not cover.
        const context = text(stored.summarizedMessages);
        expect(context[0]).toBe("[Conversation Summary] s");
        expect(context.slice(1, 4)).toEqual(input.slice(-3));
        expect([...context.slice(4)].sort()).toEqual(
          text(stored.messages)
            .filter((t) => !input.includes(t))
            .sort(),
        );
      });

      it("creates the queue's conversation once when two instances ask at the same time", async () => {
        const stores = [await open(), await open()];
        const services = stores.map((store) => createConversationService(store));
        const changes = await recordChanges(stores[0]!);
        const ids = await Promise.all(
          Array.from({ length: 10 }, (_, n) => services[n % 2]!.getConversationId(undefined, "telegram")),
        );
        expect(new Set(ids).size).toBe(1);
        expect((await stores[1]!.getLastConversation("telegram"))?.conversationId).toBe(ids[0]);
        expect((await stores[0]!.listConversations()).total).toBe(1);
        expect((await changes()).filter((c) => c.type === "conversation.created")).toHaveLength(1);
        // Later callers keep getting it.
        expect(await services[1]!.getConversationId(undefined, "telegram")).toBe(ids[0]);
      });

      it("claims a queue for exactly one candidate; the loser's is never written", async () => {
        const stores = [await open(), await open()];
        const candidates = [
          conversation("c-cand-0"),
          conversation("c-cand-1"),
          conversation("c-cand-2"),
          conversation("c-cand-3"),
        ];
        const claims = await Promise.all(candidates.map((c, n) => stores[n % 2]!.claimLastConversation("api", c)));
        const winners = claims.filter((claim) => claim.created);
        expect(winners).toHaveLength(1);
        const winner = winners[0]!.conversation.conversationId;
        for (const claim of claims) expect(claim.conversation.conversationId).toBe(winner);
        for (const c of candidates) {
          if (c.conversationId !== winner) expect(await stores[0]!.getConversation(c.conversationId)).toBeNull();
        }
        expect((await stores[1]!.listConversations()).total).toBe(1);
        expect((await stores[1]!.getLastConversation("api"))?.conversationId).toBe(winner);
      });

      it("claims a queue anew once its conversation has expired, still only once", async () => {
        const short = await open({ ttlSeconds: 1 });
        await short.saveConversation(conversation("c-gone"), { pointer: "default" });
        await waitFor(async () => ((await short.getConversation("c-gone")) === null ? true : undefined), 10_000, "expiry");
        const stores = [await open(), await open()];
        const services = stores.map((store) => createConversationService(store));
        const ids = await Promise.all(Array.from({ length: 6 }, (_, n) => services[n % 2]!.getConversationId(undefined)));
        expect(new Set(ids).size).toBe(1);
        expect(ids[0]).not.toBe("c-gone");
        expect((await stores[0]!.getLastConversation("default"))?.conversationId).toBe(ids[0]);
        expect((await stores[0]!.listConversations()).total).toBe(1);
      });

      it("creates a caller-named conversation once; a second create leaves the first one's messages", async () => {
        const stores = [await open(), await open()];
        const inserted = await Promise.all([
          stores[0]!.insertConversation(conversation("c-named", { messages: [message("from-0")] })),
          stores[1]!.insertConversation(conversation("c-named", { messages: [message("from-1")] })),
        ]);
        expect([...inserted].sort()).toEqual([false, true]);
        const winner = inserted[0] ? "from-0" : "from-1";
        expect(text((await stores[0]!.getConversation("c-named"))?.messages)).toEqual([winner]);

        // Through the service: naming it again from both instances while messages arrive loses none.
        const services = stores.map((store) => createConversationService(store));
        await Promise.all(
          ["a", "b", "c", "d"].map(async (content, n) => {
            const service = services[n % 2]!;
            await service.getConversationId("c-named-2");
            await service.addMessage("c-named-2", "user", content);
          }),
        );
        expect([...text((await stores[1]!.getConversation("c-named-2"))?.messages)].sort()).toEqual(["a", "b", "c", "d"]);
      });
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
