import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createConversationService } from "../../src/conversations";
import { createLibsqlConversationStore } from "../../src/conversations/libsql";
import type { ConversationStore } from "../../src/conversations/types";
import { createRealtimeHub, type RealtimeHub, type RealtimeSocket } from "../../src/realtime/hub";
import { createTestDatabase, type TestDatabase } from "../conversations/libsql-db";
import { waitFor } from "../support/wait";

/** A socket whose backlog the test controls, standing in for a client on a slow network. */
function fakeSocket() {
  const socket = {
    sent: [] as Record<string, any>[],
    bufferedAmount: 0,
    terminated: false,
    send(text: string) {
      socket.sent.push(JSON.parse(text));
    },
    terminate() {
      socket.terminated = true;
    },
  };
  return socket satisfies RealtimeSocket;
}

const warnings: unknown[] = [];
const log = { debug: () => {}, info: () => {}, warn: (...args: unknown[]) => void warnings.push(args) } as never;

let database: TestDatabase;
let store: ConversationStore;
let hub: RealtimeHub;

beforeEach(async () => {
  database = await createTestDatabase();
  store = createLibsqlConversationStore(database.db, { pollIntervalMs: 20 });
  hub = createRealtimeHub({ store, log, maxBufferedBytes: 1000 });
  warnings.length = 0;
});
afterEach(async () => {
  hub.close();
  await store.close();
  database.cleanup();
});

describe("realtime hub", () => {
  it("subscribes to the store once, lazily, and fans each change out to every socket on the topic", async () => {
    const conversations = createConversationService(store);
    const { conversationId } = await conversations.createConversation("api");
    expect(hub.stats().subscribed).toBe(false);
    const a = fakeSocket();
    const b = fakeSocket();
    const other = fakeSocket();
    await hub.connect(a, "conversation", conversationId);
    await hub.connect(b, "conversation", conversationId);
    await hub.connect(other, "conversation", "someone-else");
    expect(hub.stats()).toEqual({ sockets: 3, topics: 2, subscribed: true });
    expect(a.sent[0]).toMatchObject({ type: "conversation.snapshot", conversationId });

    await conversations.addMessage(conversationId, "user", "one");
    await conversations.addMessage(conversationId, "assistant", "two");
    for (const socket of [a, b]) {
      await waitFor(() => socket.sent.some((f) => f.conversation?.messages.length === 2));
      const counts = socket.sent.slice(1).map((f) => f.conversation.messages.length);
      expect(counts).toEqual([...counts].sort());
      expect(socket.sent.slice(1).every((f) => f.type === "conversation.updated" && f.reason === "message_added")).toBe(true);
    }
    expect(other.sent.map((f) => f.type)).toEqual(["error"]);
  });

  it("drops a socket whose backlog is over the limit, and only that one", async () => {
    const conversations = createConversationService(store);
    const { conversationId } = await conversations.createConversation("api");
    const slow = fakeSocket();
    const fast = fakeSocket();
    await hub.connect(slow, "conversation", conversationId);
    await hub.connect(fast, "conversation", conversationId);
    slow.bufferedAmount = 5000;
    await conversations.addMessage(conversationId, "user", "x");
    await waitFor(() => fast.sent.length === 2);
    expect(slow.terminated).toBe(true);
    expect(slow.sent).toHaveLength(1); // the snapshot only
    expect(hub.stats().sockets).toBe(1);
    expect(JSON.stringify(warnings)).toContain("Dropped a slow WebSocket client");
    await conversations.addMessage(conversationId, "user", "y");
    await waitFor(() => fast.sent.length === 3);
  });

  it("forgets disconnected sockets and stops the feed on close", async () => {
    const socket = fakeSocket();
    await hub.connect(socket, "agent_conversation", "agent-1");
    expect(socket.sent).toEqual([
      { type: "error", error: "Agent conversation not found or conversation storage unavailable", conversationId: "agent-1" },
    ]);
    hub.disconnect(socket);
    expect(hub.stats()).toEqual({ sockets: 0, topics: 0, subscribed: true });
    hub.close();
    expect(hub.stats().subscribed).toBe(false);
    const late = fakeSocket();
    await hub.connect(late, "conversation", "x");
    expect(late.terminated).toBe(true);
  });
});
