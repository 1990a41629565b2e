import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";
import { connect, refusal, type TestSocket } from "./client";

const TOKEN = "ws-test-token";
const auth = { Authorization: `Bearer ${TOKEN}` };

describe("WebSockets on the real server (libSQL store, polling feed)", () => {
  let dir: string;
  let server: ServerProcess;
  let ws: string;
  const sockets: TestSocket[] = [];
  const open = async (path: string, headers: Record<string, string> = auth, options = {}) => {
    const socket = await connect(`${ws}${path}`, { headers, ...options });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-ws-"));
    mkdirSync(join(dir, "repos", "demo"), { recursive: true });
    server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      RUNNER_API_TOKENS: TOKEN,
      HOST: "127.0.0.1",
      RUN_LINGER_MS: "300",
      WS_PING_INTERVAL_MS: "200",
      LOG_LEVEL: "info",
    });
    ws = server.url.replace("http://", "ws://");
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const newConversation = async () => (await postJson(`${server.url}/api/new`, {}, auth)).body.conversationId as string;

  it("sends the snapshot on connect, then an update for each message of a run", async () => {
    const id = await newConversation();
    const socket = await open(`/api/ws?conversationId=${id}`);
    const snapshot = await socket.next((f) => f.type === "conversation.snapshot");
    expect(snapshot).toEqual({
      type: "conversation.snapshot",
      conversationId: id,
      conversation: expect.objectContaining({ conversationId: id, messages: [] }),
    });

    const res = await postJson(`${server.url}/api/${id}/message`, { message: "SAY hello over ws", repository: "demo" }, auth);
    expect(res.status).toBe(200);
    const answered = await socket.next(
      (f) => f.type === "conversation.updated" && f.conversation.messages.length === 2,
      "the assistant's message",
    );
    expect(answered).toMatchObject({ conversationId: id, reason: "message_added" });
    expect(answered.conversation.messages.map((m: any) => m.content)).toEqual(["SAY hello over ws", "hello over ws"]);
    // Frames never go back in time.
    const counts = socket.frames.filter((f) => f.type === "conversation.updated").map((f) => f.conversation.messages.length);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it("serves the /conversations/api/ws alias and the `id` alias of conversationId", async () => {
    const id = await newConversation();
    const socket = await open(`/conversations/api/ws?id=${id}`);
    expect((await socket.next((f) => f.type === "conversation.snapshot")).conversationId).toBe(id);
  });

  it("answers an unknown id with the original's error frame and keeps the socket for its creation", async () => {
    const socket = await open("/api/ws?conversationId=no-such-conversation");
    expect(await socket.next((f) => f.type === "error")).toEqual({
      type: "error",
      error: "Conversation not found or conversation storage unavailable",
      conversationId: "no-such-conversation",
    });
    const agent = await open("/api/agent/ws?conversationId=agent-0-missing");
    expect(await agent.next((f) => f.type === "error")).toEqual({
      type: "error",
      error: "Agent conversation not found or conversation storage unavailable",
      conversationId: "agent-0-missing",
    });
  });

  it("streams agent conversations on both agent paths", async () => {
    const { conversationId } = (await postJson(`${server.url}/api/agent/new`, { agentId: "a1" }, auth)).body;
    const first = await open(`/api/agent/ws?conversationId=${conversationId}`);
    const second = await open(`/agent-conversations/api/ws?conversationId=${conversationId}`);
    for (const socket of [first, second]) {
      expect(await socket.next((f) => f.type === "agent_conversation.snapshot")).toMatchObject({
        conversationId,
        conversation: { agentId: "a1", messages: [] },
      });
    }
    await postJson(`${server.url}/api/agent/${conversationId}/message`, { role: "user", content: "hi" }, auth);
    for (const socket of [first, second]) {
      const update = await socket.next((f) => f.type === "agent_conversation.updated");
      expect(update).toMatchObject({ conversationId, reason: "message_added", conversation: { messages: [{ content: "hi" }] } });
    }
  });

  it("refuses without a token (401 before the upgrade) and accepts ?token=", async () => {
    const id = await newConversation();
    const denied = await refusal(`${ws}/api/ws?conversationId=${id}`);
    expect(denied.status).toBe(401);
    expect(JSON.parse(denied.body)).toEqual({ success: false, error: "Unauthorized" });
    expect((await refusal(`${ws}/api/ws?conversationId=${id}&token=wrong`)).status).toBe(401);
    expect((await refusal(`${ws}/api/ws?conversationId=${id}`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    const viaQuery = await open(`/api/ws?conversationId=${id}&token=${TOKEN}`, {});
    expect((await viaQuery.next((f) => f.type === "conversation.snapshot")).conversationId).toBe(id);
    expect(server.output()).not.toContain(TOKEN);
  });

  it("refuses a missing conversationId (400, checked before the path) and an unknown path (404)", async () => {
    expect(await refusal(`${ws}/api/ws`, { headers: auth })).toEqual({ status: 400, body: "Missing conversationId" });
    expect(await refusal(`${ws}/nowhere`, { headers: auth })).toEqual({ status: 400, body: "Missing conversationId" });
    expect((await refusal(`${ws}/nowhere?conversationId=x`, { headers: auth })).status).toBe(404);
  });

  it("pings; a client that answers stays, one that never pongs is dropped", async () => {
    const id = await newConversation();
    const healthy = await open(`/api/ws?conversationId=${id}`);
    let pings = 0;
    healthy.ws.on("ping", () => pings++);
    const silent = await open(`/api/ws?conversationId=${id}`, auth, { autoPong: false });
    const closed = await silent.closed;
    expect(closed.code).toBe(1006); // terminated, no close frame
    await waitFor(() => pings >= 3, { what: "three pings" });
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    await waitFor(() => server.output().includes("stopped answering pings"));
  });
});
