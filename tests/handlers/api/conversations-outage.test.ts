import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type TestSocket } from "../../realtime/client";
import { type RedisServer, startRedisServer } from "../../support/redis";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess, waitFor } from "../../support/server-process";

/** One server process over a private redis-server that the suite stops and restarts under it. */
describe("conversation routes while Redis is down, and after it returns", () => {
  let dir: string;
  let repo: string;
  let redis: RedisServer;
  let server: ServerProcess;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-outage-"));
    repo = join(dir, "repos", "demo");
    mkdirSync(repo, { recursive: true });
    redis = await startRedisServer();
    server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      REDIS_URL: redis.url,
      RUN_LINGER_MS: "300",
      LOG_LEVEL: "warn",
    });
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server?.stop();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(`${server.url}${path}`);
  const ws = (path: string) => `${server.url.replace("http://", "ws://")}${path}`;

  it("works while Redis is up (and opens the WebSocket feed)", async () => {
    const { body } = await postJson(`${server.url}/api/new`, {});
    expect((await get(`/api/${body.conversationId}`)).status).toBe(200);
    const socket = await connect(ws(`/api/ws?conversationId=${body.conversationId}`));
    sockets.push(socket);
    await socket.next((f) => f.type === "conversation.snapshot");
  });

  it("answers 503 with a clear message on conversation reads while Redis is down; runs still execute", async () => {
    const { body: created } = await postJson(`${server.url}/api/new`, {});
    await redis.stop();

    for (const path of [
      "/api/list",
      "/api/list?limit=5",
      `/conversations/api/${created.conversationId}`,
      "/api/agent/list",
      "/api/agent/agent-1-x",
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate, proxy-revalidate");
      expect(await res.json()).toMatchObject({
        success: false,
        error: "Conversation storage (redis) is unavailable; try again shortly",
      });
    }
    expect((await postJson(`${server.url}/api/new`, {})).status).toBe(503);
    expect((await postJson(`${server.url}/api/${created.conversationId}/message`, { message: "SAY x" })).status).toBe(503);
    expect((await postJson(`${server.url}/api/agent/new`, {})).status).toBe(503);

    // A run needs no conversation memory: it goes ahead (its messages are not stored).
    const run = await postJson(`${server.url}/cursor/execute`, {
      prompt: "SAY still working\nWRITE during-outage.txt <<ran while Redis was down>>",
      repository: "demo",
      conversationId: created.conversationId,
    });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ success: true, agentSucceeded: true, output: "still working" });
    expect(readFileSync(join(repo, "during-outage.txt"), "utf8")).toBe("ran while Redis was down");

    // A WebSocket still connects; its snapshot says storage is unavailable.
    const socket = await connect(ws(`/api/ws?conversationId=${created.conversationId}`));
    sockets.push(socket);
    expect(await socket.next((f) => f.type === "error")).toEqual({
      type: "error",
      error: "Conversation not found or conversation storage unavailable",
      conversationId: created.conversationId,
    });
    expect((await get("/health")).status).toBe(200);
  });

  it("recovers by itself when Redis returns on the same port — no restart", async () => {
    await redis.start(); // same port, empty (persistence is off)
    const list = await waitFor(
      async () => {
        const res = await get("/api/list");
        return res.status === 200 ? res.json() : undefined;
      },
      { what: "GET /api/list to answer 200 again" },
    );
    expect(list).toEqual([]);

    const { status, body } = await postJson(`${server.url}/api/new`, {});
    expect(status).toBe(200);
    const id = body.conversationId as string;
    // The store's one subscription (opened before the outage) delivers again.
    const socket = await connect(ws(`/api/ws?conversationId=${id}`));
    sockets.push(socket);
    await socket.next((f) => f.type === "conversation.snapshot");
    const message = await postJson(`${server.url}/api/${id}/message`, { message: "SAY back again", repository: "demo" });
    expect(message.status).toBe(200);
    const update = await socket.next((f) => f.type === "conversation.updated" && f.conversation.messages.length === 2);
    expect(update.conversation.messages[1].content).toBe("back again");
    expect(server.child.exitCode).toBeNull();
  });
});
