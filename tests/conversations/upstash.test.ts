import { Redis } from "@upstash/redis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisConversationStore } from "../../src/conversations/redis";
import type { ConversationStore } from "../../src/conversations/types";
import { createUpstashConversationStore } from "../../src/conversations/upstash";
import { type RedisServer, startRedisServer } from "../support/redis";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { agentConversation, collector, conversation } from "./helpers";
import { keysCalls } from "./redis-stats";
import { conversationStoreContract } from "./store.contract";

conversationStoreContract(
  "upstash (Redis over HTTP)",
  async () => {
    const server = await startRedisServer();
    const bridge = await startUpstashBridge({ redisUrl: server.url });
    const admin = createClient({ url: server.url, RESP: 2 });
    await admin.connect();
    return {
      open: async (options) => createUpstashConversationStore({ url: bridge.url, token: bridge.token, ...options }),
      reset: async () => {
        await admin.flushDb();
      },
      teardown: async () => {
        admin.destroy();
        await bridge.close();
        await server.close();
      },
      // Upstash going away looks like its HTTP endpoint going away.
      outage: { stop: () => bridge.stop(), start: () => bridge.start() },
      keysCalls: () => keysCalls(admin),
    };
  },
  { outage: true },
);

describe("upstash and TCP stores on the same Redis", () => {
  let server: RedisServer;
  let bridge: UpstashBridge;
  let http: ConversationStore;
  let tcp: ConversationStore;

  beforeAll(async () => {
    server = await startRedisServer();
    bridge = await startUpstashBridge({ redisUrl: server.url });
    http = createUpstashConversationStore({ url: bridge.url, token: bridge.token, pollIntervalMs: 50 });
    tcp = await createRedisConversationStore({ url: server.url });
  });
  afterAll(async () => {
    await http?.close();
    await tcp?.close();
    await bridge?.close();
    await server?.close();
  });

  it("reads each other's conversations, pointers and indexes (same keys)", async () => {
    const fromTcp = conversation("c-tcp", {
      messages: [{ role: "user", content: "ünïcode ✓", timestamp: new Date().toISOString() }],
    });
    await tcp.saveConversation(fromTcp, { pointer: "api" });
    expect(await http.getConversation("c-tcp")).toEqual(fromTcp);
    expect((await http.getLastConversation("api"))?.conversationId).toBe("c-tcp");

    const fromHttp = conversation("c-http");
    await http.saveConversation(fromHttp, { pointer: "telegram" });
    expect(await tcp.getConversation("c-http")).toEqual(fromHttp);
    expect((await tcp.getLastConversation("telegram"))?.conversationId).toBe("c-http");

    const agent = agentConversation("agent-shared", { metadata: { k: "v" } });
    await tcp.saveAgentConversation(agent);
    expect(await http.getAgentConversation("agent-shared")).toEqual(agent);

    const ids = (page: { conversations: { conversationId: string }[] }) => page.conversations.map((c) => c.conversationId).sort();
    expect(ids(await http.listConversations())).toEqual(["c-http", "c-tcp"]);
    expect(ids(await tcp.listConversations())).toEqual(["c-http", "c-tcp"]);
    expect((await http.listAgentConversations()).total).toBe(1);
  });

  it("delivers change notifications across the two transports", async () => {
    const seenByHttp = collector();
    const seenByTcp = collector();
    const stopHttp = http.subscribe(seenByHttp.listener);
    const stopTcp = tcp.subscribe(seenByTcp.listener);
    await Promise.all([stopHttp.ready, stopTcp.ready]);

    await tcp.saveConversation(conversation("c-x1"), { change: "created" });
    await http.saveConversation(conversation("c-x2"), { change: "message_added" });
    await seenByHttp.waitFor((c) => c.conversationId === "c-x1" && c.type === "conversation.created", "tcp → http");
    await seenByTcp.waitFor((c) => c.conversationId === "c-x2" && c.reason === "message_added", "http → tcp");
    stopHttp();
    stopTcp();
  });
});

describe("upstash bridge (test support)", () => {
  let server: RedisServer;
  let bridge: UpstashBridge;

  beforeAll(async () => {
    server = await startRedisServer();
    bridge = await startUpstashBridge({ redisUrl: server.url });
  });
  afterAll(async () => {
    await bridge?.close();
    await server?.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${bridge.token}`, ...headers },
      body: JSON.stringify(body),
    });

  it("checks the token on every route", async () => {
    for (const [path, body] of [
      ["/", ["PING"]],
      ["/pipeline", [["PING"]]],
      ["/multi-exec", [["PING"]]],
    ] as const) {
      const response = await post(path, body, { Authorization: "Bearer wrong" });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: "Unauthorized" });
    }
  });

  it("answers like Upstash: {result}/{error}, lower-case commands, base64 on request", async () => {
    expect(await (await post("/", ["set", "k", "välue"])).json()).toEqual({ result: "OK" });
    expect(await (await post("/", ["GET", "k"])).json()).toEqual({ result: "välue" });
    expect(await (await post("/", ["GET", "k"], { "Upstash-Encoding": "base64" })).json()).toEqual({
      result: Buffer.from("välue").toString("base64"),
    });
    const bad = await post("/", ["INCR", "k"]);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringContaining("not an integer") });
    expect(
      await (
        await post("/pipeline", [
          ["INCR", "n"],
          ["INCR", "k"],
          ["HSET", "h", "f", 1],
          ["HGETALL", "h"],
        ])
      ).json(),
    ).toEqual([{ result: 1 }, { error: expect.stringContaining("not an integer") }, { result: 1 }, { result: ["f", "1"] }]);
    expect(
      await (
        await post("/multi-exec", [
          ["INCR", "n"],
          ["INCR", "k"],
          ["GET", "n"],
        ])
      ).json(),
    ).toEqual([{ result: 2 }, { error: expect.stringContaining("not an integer") }, { result: "2" }]);
  });

  it("serves @upstash/redis with its default settings", async () => {
    const client = new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false });
    await client.set("json", { a: [1, "ü"] });
    expect(await client.get("json")).toEqual({ a: [1, "ü"] });
    await client.zadd("z", { score: 2, member: "b" }, { score: 1, member: "a" });
    expect(await client.zrange("z", 0, -1, { rev: true })).toEqual(["b", "a"]);
    const multi = client.multi();
    multi.incr("counter");
    multi.get("counter");
    expect(await multi.exec()).toEqual([1, 1]);
  });
});
