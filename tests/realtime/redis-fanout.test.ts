import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../support/redis";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess } from "../support/server-process";
import { connect, type TestSocket } from "./client";

describe("two server instances sharing one Redis", () => {
  let dir: string;
  let redis: RedisServer;
  let a: ServerProcess;
  let b: ServerProcess;
  const sockets: TestSocket[] = [];

  const start = (name: string) =>
    startServerProcess({
      DATABASE_URL: `file:${join(dir, `${name}.sqlite`)}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      REDIS_URL: redis.url,
      RUN_LINGER_MS: "300",
      LOG_LEVEL: "warn",
    });
  const open = async (server: ServerProcess, path: string) => {
    const socket = await connect(`${server.url.replace("http://", "ws://")}${path}`);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-ws-redis-"));
    mkdirSync(join(dir, "repos", "demo"), { recursive: true });
    redis = await startRedisServer();
    [a, b] = await Promise.all([start("a"), start("b")]);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers a run's messages on A to a socket held by B (Redis pub/sub)", async () => {
    const { conversationId } = (await postJson(`${a.url}/api/new`, {})).body;
    const onB = await open(b, `/conversations/api/ws?conversationId=${conversationId}`);
    expect(await onB.next((f) => f.type === "conversation.snapshot")).toMatchObject({ conversationId });

    const res = await postJson(`${a.url}/api/${conversationId}/message`, { message: "SAY from instance A", repository: "demo" });
    expect(res.status).toBe(200);
    const update = await onB.next((f) => f.type === "conversation.updated" && f.conversation.messages.length === 2);
    expect(update.conversation.messages.map((m: any) => m.content)).toEqual(["SAY from instance A", "from instance A"]);
    // B reads the same conversation A wrote.
    expect((await (await fetch(`${b.url}/api/${conversationId}`)).json()).messages).toHaveLength(2);
  });

  it("delivers agent conversation changes written on B to a socket held by A", async () => {
    const { conversationId } = (await postJson(`${b.url}/api/agent/new`, {})).body;
    const onA = await open(a, `/api/agent/ws?conversationId=${conversationId}`);
    await onA.next((f) => f.type === "agent_conversation.snapshot");
    await postJson(`${b.url}/api/agent/${conversationId}/message`, { role: "user", content: "from B" });
    expect(await onA.next((f) => f.type === "agent_conversation.updated")).toMatchObject({
      conversationId,
      reason: "message_added",
      conversation: { messages: [{ role: "user", content: "from B", source: "text" }] },
    });
  });

  it("tells a socket waiting for an id on B when a run on A creates that conversation", async () => {
    const conversationId = `fanout-${Date.now()}`;
    const onB = await open(b, `/api/ws?conversationId=${conversationId}`);
    expect(await onB.next((f) => f.type === "error")).toMatchObject({ conversationId });
    const res = await postJson(`${a.url}/cursor/execute`, { prompt: "SAY created remotely", repository: "demo", conversationId });
    expect(res.body).toMatchObject({ success: true, output: "created remotely" });
    expect(await onB.next((f) => f.type === "conversation.created")).toMatchObject({
      conversationId,
      conversation: { conversationId },
    });
    await onB.next((f) => f.type === "conversation.updated" && f.conversation.messages.length === 2);
  });
});
