import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, type ServerProcess, startServerProcess } from "../support/server-process";
import { connect, type TestSocket } from "./client";

describe("a WebSocket client that stops reading", () => {
  let dir: string;
  let server: ServerProcess;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-ws-slow-"));
    server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      WS_MAX_BUFFERED_BYTES: "1048576",
      LOG_LEVEL: "info",
    });
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is dropped once its backlog passes WS_MAX_BUFFERED_BYTES; the server and other clients carry on", async () => {
    const { conversationId } = (await postJson(`${server.url}/api/agent/new`, {})).body;
    const ws = server.url.replace("http://", "ws://");
    const stalled = await connect(`${ws}/api/agent/ws?conversationId=${conversationId}`);
    const reader = await connect(`${ws}/agent-conversations/api/ws?conversationId=${conversationId}`);
    sockets.push(stalled, reader);
    await stalled.next((f) => f.type === "agent_conversation.snapshot");
    // Stop reading: first the kernel's socket buffers fill, then the server's own send buffer grows.
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const content = "x".repeat(60_000);
    let messages = 0;
    while (!server.output().includes("Dropped a slow WebSocket client")) {
      expect(messages).toBeLessThan(200);
      const res = await postJson(`${server.url}/api/agent/${conversationId}/message`, { role: "user", content });
      expect(res.status).toBe(200);
      messages++;
      // In step with the healthy reader, so only the stalled client falls behind.
      await reader.next((f) => f.type === "agent_conversation.updated" && f.conversation.messages.length === messages);
    }
    stalled.ws.terminate(); // it never reads the server's goodbye
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(reader.ws.readyState).toBe(reader.ws.OPEN);
    const res = await postJson(`${server.url}/api/agent/${conversationId}/message`, { role: "user", content: "after" });
    expect(res.status).toBe(200);
    await reader.next((f) => f.conversation?.messages.at(-1)?.content === "after", "an update after the drop");
  });
});
