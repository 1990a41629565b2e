import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify } from "../../src/callbacks/signer";
import { isProcessAlive } from "../../src/exec/proc";
import { connect, refusal, type TestSocket } from "../realtime/client";
import { startReceiver } from "../support/receiver";
import {
  FAKE_AGENT,
  postJson,
  RUNTIMES,
  readPidFile,
  type ServerProcess,
  startServerProcess,
  waitFor,
} from "../support/server-process";
import { readSse } from "../support/sse";

const TOKEN = "black-box-token";
const SECRET = "black-box-webhook-secret";
const auth = { Authorization: `Bearer ${TOKEN}` };

function logLines(text: string): Record<string, any>[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, any>];
      } catch {
        return [];
      }
    });
}

/**
 * The same black-box checks against the real server process on each runtime: `npm start` (Node,
 * @hono/node-server + ws) and `npm run start:bun` (Bun.serve + hono/bun). The client side is the
 * same for both (this test runner's fetch, node:http and the `ws` client).
 */
describe.each(RUNTIMES)("the real server on %s", (runtime) => {
  let dir: string;
  let repo: string;
  let server: ServerProcess;
  let ws: string;
  const sockets: TestSocket[] = [];

  const get = (path: string, headers: Record<string, string> = auth) => fetch(`${server.url}${path}`, { headers });
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { "Content-Type": "application/json", ...auth },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const open = async (path: string, options = {}) => {
    const socket = await connect(`${ws}${path}`, { headers: auth, ...options });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `runner-black-box-${runtime}-`));
    repo = join(dir, "repos", "demo");
    mkdirSync(repo, { recursive: true });
    server = await startServerProcess(
      {
        DATABASE_URL: `file:${join(dir, "db", "runner.db")}`,
        REPOSITORIES_PATH: join(dir, "repos"),
        CURSOR_CLI_PATH: FAKE_AGENT,
        RUNNER_API_TOKENS: TOKEN,
        HOST: "127.0.0.1",
        WEBHOOK_SECRET: SECRET,
        CALLBACK_RETRY_BASE_MS: "50",
        CALLBACK_RETRY_MAX_MS: "200",
        CALLBACK_POLL_MS: "50",
        RUN_LINGER_MS: "300",
        WS_PING_INTERVAL_MS: "200",
        WS_MAX_BUFFERED_BYTES: "1048576",
        LOG_LEVEL: "info",
      },
      { runtime },
    );
    ws = server.url.replace("http://", "ws://");
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`really runs on ${runtime}: the process's executable and its start-up log say so`, () => {
    expect(server.runtime).toBe(runtime);
    const executable = basename(realpathSync(`/proc/${server.child.pid}/exe`));
    expect(executable).toMatch(runtime === "bun" ? /^bun/ : /^node/);
    const ready = logLines(server.output()).find((line) => line.msg === "cursor-runner initialized successfully");
    expect(ready).toMatchObject({ host: "127.0.0.1", port: server.port, level: 30 });
    expect(ready?.runtime).toMatch(new RegExp(`^${runtime} v?\\d+\\.\\d+\\.\\d+`));
  });

  it("answers /health without a token and everything else only with one", async () => {
    const health = await get("/health", {});
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", service: "cursor-runner" });

    const denied = await get("/api/tasks", {});
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await denied.json()).toMatchObject({ success: false, error: expect.any(String) });
    expect((await get("/api/tasks", { Authorization: "Bearer wrong" })).status).toBe(401);
    expect((await get("/api/tasks")).status).toBe(200);
  });

  it("answers malformed JSON with 400, a non-JSON body with 415 and an unknown route with the not-found envelope", async () => {
    const malformed = await fetch(`${server.url}/api/tasks`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...auth },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ success: false });
    const text = await fetch(`${server.url}/api/tasks`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", ...auth },
      body: "hello",
    });
    expect(text.status).toBe(415);
    const missing = await get("/no/such/route");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ success: false, error: "Route not found", path: "/no/such/route", method: "GET" });
  });

  it("keeps tasks: create, list, read, update, delete", async () => {
    const created = await send("POST", "/api/tasks", { prompt: "  black box  ", order: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ prompt: "black box", status: 0, status_label: "ready", order: 2 });
    const id = created.body.id as number;

    const list = (await (await get("/api/tasks")).json()) as Record<string, any>[];
    expect(list.map((task) => task.id)).toContain(id);
    expect(await (await get(`/api/tasks/${id}`)).json()).toMatchObject({ id, prompt: "black box" });

    const updated = await send("PUT", `/api/tasks/${id}`, { status: 1 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, status: 1, status_label: "complete" });

    expect((await send("DELETE", `/api/tasks/${id}`)).status).toBe(200);
    expect((await get(`/api/tasks/${id}`)).status).toBe(404);
  });

  it("executes the fake agent: it writes the file, its answer comes back, a non-zero exit is honest", async () => {
    const done = await send("POST", "/cursor/execute", {
      prompt: "SAY done\nWRITE notes/hello.txt <<hello from the agent>>\nRUN echo ran > ran.txt",
      repository: "demo",
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ success: true, agentSucceeded: true, status: "succeeded", output: "done", exitCode: 0 });
    expect(readFileSync(join(repo, "notes", "hello.txt"), "utf8")).toBe("hello from the agent");
    expect(readFileSync(join(repo, "ran.txt"), "utf8").trim()).toBe("ran");
    const run = await (await get(`/runs/${done.body.runId}`)).json();
    expect(run).toMatchObject({ status: "succeeded", reason: "exited", exitCode: 0 });

    const failed = await send("POST", "/cursor/execute", { prompt: "SAY partial\nEXIT 3", repository: "demo" });
    expect(failed.body).toMatchObject({ success: true, agentSucceeded: false, status: "failed", exitCode: 3 });
  });

  it("follows an SSE stream through 14 s without an event (Bun.serve's default idleTimeout cuts a quiet GET at 10 s)", async () => {
    const ack = await postJson(
      `${server.url}/cursor/execute/async`,
      { prompt: "SAY before\nSLEEP 14000\nSAY after", repository: "demo" },
      { ...auth, "X-Webhook-Secret": SECRET },
    );
    const events = await readSse(`${server.url}${ack.body.eventsUrl}`, auth);
    const texts = events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data).text);
    expect(texts).toEqual(expect.arrayContaining(["before", "after"]));
    expect(events.at(-1)?.event).toBe("end");
  }, 45_000);

  it("acknowledges an async execute, then delivers one signed callback", async () => {
    const receiver = await startReceiver([503, 200]);
    try {
      const ack = await postJson(
        `${server.url}/cursor/execute/async`,
        { prompt: "SAY async done", repository: "demo", callbackUrl: `${receiver.url}/hook?secret=cb-secret` },
        { ...auth, "X-Webhook-Secret": SECRET },
      );
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({ success: true, message: "Request accepted, processing asynchronously" });
      await waitFor(() => receiver.accepted().length === 1, { what: "the callback" });
      const delivery = receiver.accepted()[0]!;
      const check = await verify("cb-secret", String(delivery.headers["x-runner-signature"]), delivery.rawBody, 300);
      expect(check.valid).toBe(true);
      expect(JSON.parse(delivery.rawBody)).toMatchObject({ runId: ack.body.runId, agentSucceeded: true, output: "async done" });
      expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
    } finally {
      await receiver.close();
    }
  });

  it("streams a run's events over SSE as they happen, ends with `end`, and replays after Last-Event-ID", async () => {
    const ack = await postJson(
      `${server.url}/cursor/execute/async`,
      { prompt: "SAY one\nSLEEP 300\nSAY two\nSLEEP 300\nSAY three", repository: "demo" },
      { ...auth, "X-Webhook-Secret": SECRET },
    );
    const all = await readSse(`${server.url}${ack.body.eventsUrl}`, auth);
    const ids = all.filter((e) => e.id).map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const messages = all.filter((e) => e.event === "message").map((e) => JSON.parse(e.data));
    expect(messages.map((m) => m.text)).toEqual(expect.arrayContaining(["one", "two", "three"]));
    const [one, three] = [messages.find((m) => m.text === "one"), messages.find((m) => m.text === "three")];
    expect(Date.parse(three.ts)).toBeGreaterThan(Date.parse(one.ts));
    expect(all.at(-1)?.event).toBe("end");
    expect(JSON.parse(all.at(-1)!.data).status).toBe("succeeded");

    const resumed = await readSse(`${server.url}${ack.body.eventsUrl}`, { ...auth, "Last-Event-ID": "3" });
    expect(resumed.filter((e) => e.id).map((e) => Number(e.id))).toEqual(ids.slice(3));
    expect(resumed.at(-1)?.event).toBe("end");
  });

  it("cancels a running run and ends its whole process group, grandchild included", async () => {
    const pidFile = join(repo, "grandchild.pid");
    rmSync(pidFile, { force: true });
    const ack = await postJson(
      `${server.url}/cursor/execute/async`,
      { prompt: "GRANDCHILD\nSLEEP 60000", repository: "demo" },
      { ...auth, "X-Webhook-Secret": SECRET },
    );
    const grandchild = await readPidFile(pidFile);
    const cancelled = await send("POST", `/runs/${ack.body.runId}/cancel`);
    expect(cancelled.body).toMatchObject({ status: "cancelled", reason: "cancelled" });
    expect(isProcessAlive(grandchild)).toBe(false);
    expect(isProcessAlive(cancelled.body.pid)).toBe(false);
    expect((await send("POST", `/runs/${ack.body.runId}/cancel`)).status).toBe(409);
  });

  it("holds a WebSocket conversation: the snapshot, then an update for each message of a run", async () => {
    const { conversationId } = (await send("POST", "/api/new", {})).body;
    const socket = await open(`/api/ws?conversationId=${conversationId}`);
    expect(await socket.next((f) => f.type === "conversation.snapshot")).toEqual({
      type: "conversation.snapshot",
      conversationId,
      conversation: expect.objectContaining({ conversationId, messages: [] }),
    });
    const res = await send("POST", `/api/${conversationId}/message`, { message: "SAY hello over ws", repository: "demo" });
    expect(res.status).toBe(200);
    const answered = await socket.next((f) => f.type === "conversation.updated" && f.conversation.messages.length === 2);
    expect(answered).toMatchObject({ conversationId, reason: "message_added" });
    expect(answered.conversation.messages.map((m: any) => m.content)).toEqual(["SAY hello over ws", "hello over ws"]);

    // The other three paths, ?token= and the `id` alias.
    const alias = await open(`/conversations/api/ws?id=${conversationId}&token=${TOKEN}`, { headers: {} });
    expect((await alias.next((f) => f.type === "conversation.snapshot")).conversation.messages).toHaveLength(2);
    const agent = (await send("POST", "/api/agent/new", { agentId: "a1" })).body.conversationId;
    for (const path of ["/api/agent/ws", "/agent-conversations/api/ws"]) {
      const socket = await open(`${path}?conversationId=${agent}`);
      expect(await socket.next((f) => f.type === "agent_conversation.snapshot")).toMatchObject({ conversationId: agent });
    }
    const unknown = await open("/api/ws?conversationId=no-such-conversation");
    expect(await unknown.next((f) => f.type === "error")).toEqual({
      type: "error",
      error: "Conversation not found or conversation storage unavailable",
      conversationId: "no-such-conversation",
    });
  });

  it("refuses bad WebSocket handshakes before upgrading: 401, 400, 404", async () => {
    const denied = await refusal(`${ws}/api/ws?conversationId=x`);
    expect(denied.status).toBe(401);
    expect(JSON.parse(denied.body)).toEqual({ success: false, error: "Unauthorized" });
    expect((await refusal(`${ws}/api/ws?conversationId=x&token=wrong`)).status).toBe(401);
    expect(await refusal(`${ws}/api/ws`, { headers: auth })).toEqual({ status: 400, body: "Missing conversationId" });
    expect(await refusal(`${ws}/nowhere`, { headers: auth })).toEqual({ status: 400, body: "Missing conversationId" });
    expect(await refusal(`${ws}/nowhere?conversationId=x`, { headers: auth })).toEqual({ status: 404, body: "Not Found" });
    // Handshakes no WebSocket client would send, written by hand.
    const raw = (method: string, headers: Record<string, string>) =>
      new Promise<{ status: number | undefined; body: string }>((done, fail) => {
        const req = request({
          host: "127.0.0.1",
          port: server.port,
          method,
          path: "/api/ws?conversationId=x",
          agent: false,
          headers,
        });
        req.on("response", (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (chunk: string) => {
            body += chunk;
          });
          res.on("end", () => done({ status: res.statusCode, body }));
        });
        req.on("error", fail);
        req.end();
      });
    const handshake = { ...auth, Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Version": "13" };
    const key = { "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" };
    expect(await raw("POST", { ...handshake, ...key })).toEqual({ status: 405, body: "Invalid HTTP method" });
    expect((await raw("GET", handshake)).status).toBe(400); // no Sec-WebSocket-Key
    // Without `Connection: upgrade` it is a plain request, answered by the app (as Node's parser decides).
    const plain = await raw("GET", { ...auth, ...key, Upgrade: "websocket", Connection: "close" });
    expect(plain.status).toBe(426);
    expect(JSON.parse(plain.body)).toMatchObject({ success: false });
    expect(server.output()).not.toContain(TOKEN);
  });

  it("pings WebSocket clients: one that answers stays, one that never pongs is terminated", async () => {
    const { conversationId } = (await send("POST", "/api/new", {})).body;
    const healthy = await open(`/api/ws?conversationId=${conversationId}`);
    let pings = 0;
    healthy.ws.on("ping", () => pings++);
    const silent = await open(`/api/ws?conversationId=${conversationId}`, { autoPong: false });
    expect((await silent.closed).code).toBe(1006); // terminated, no close frame
    await waitFor(() => pings >= 3, { what: "three pings" });
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    await waitFor(() => server.output().includes("Dropped a WebSocket client that stopped answering pings"));
  });

  it("on SIGTERM: finishes the in-flight request, refuses new connections, says 1001 to WebSockets, exits 0", async () => {
    const { conversationId } = (await send("POST", "/api/new", {})).body;
    const socket = await open(`/api/ws?conversationId=${conversationId}`);
    await socket.next((f) => f.type === "conversation.snapshot");

    // A POST whose body arrives slowly: "100 Continue" proves the server has the request in hand.
    const body = JSON.stringify({ prompt: "finished during shutdown" });
    const req = request({
      host: "127.0.0.1",
      port: server.port,
      method: "POST",
      path: "/api/tasks",
      agent: false,
      headers: {
        ...auth,
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
        Expect: "100-continue",
      },
    });
    const response = new Promise<{ status: number | undefined; text: string }>((done, fail) => {
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => done({ status: res.statusCode, text }));
      });
      req.on("error", fail);
    });
    await new Promise<void>((done) => req.once("continue", done));
    req.write(body.slice(0, 10));

    server.child.kill("SIGTERM");
    await waitFor(() => server.output().includes("Shutting down cursor-runner..."));
    expect(await socket.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();

    req.end(body.slice(10));
    const { status, text } = await response;
    expect(status).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ prompt: "finished during shutdown" });

    expect(await server.exited).toBe(0);
    const messages = logLines(server.output()).map((line) => line.msg);
    expect(messages).toContain("cursor-runner shut down successfully");
    expect(messages).not.toContain("Grace period over; closing remaining connections");
    expect(logLines(server.output()).filter((line) => Number(line.level) >= 50)).toEqual([]);
  });
  // Its own server: a client that stops reading cannot answer pings either, so the short ping
  // interval above would drop it for that first.
  describe("with a client that stops reading", () => {
    let slow: ServerProcess;
    beforeAll(async () => {
      slow = await startServerProcess(
        {
          DATABASE_URL: `file:${join(dir, "slow.db")}`,
          REPOSITORIES_PATH: join(dir, "repos"),
          RUNNER_API_TOKENS: TOKEN,
          HOST: "127.0.0.1",
          WS_MAX_BUFFERED_BYTES: "1048576",
          LOG_LEVEL: "info",
        },
        { runtime },
      );
    });
    afterAll(async () => {
      await slow?.stop();
    });

    it("drops it once its backlog passes WS_MAX_BUFFERED_BYTES; other clients carry on", async () => {
      const post = (path: string, body: unknown) => postJson(`${slow.url}${path}`, body, auth);
      const url = slow.url.replace("http://", "ws://");
      const { conversationId } = (await post("/api/agent/new", {})).body;
      const stalled = await connect(`${url}/api/agent/ws?conversationId=${conversationId}`, { headers: auth });
      const reader = await connect(`${url}/agent-conversations/api/ws?conversationId=${conversationId}`, { headers: auth });
      sockets.push(stalled, reader);
      await stalled.next((f) => f.type === "agent_conversation.snapshot");
      // Stop reading: first the kernel's socket buffers fill, then the server's own send buffer grows.
      (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const content = "x".repeat(60_000);
      let messages = 0;
      while (!slow.output().includes("Dropped a slow WebSocket client")) {
        expect(messages).toBeLessThan(200);
        const res = await post(`/api/agent/${conversationId}/message`, { role: "user", content });
        expect(res.status).toBe(200);
        messages++;
        // In step with the healthy reader, so only the stalled client falls behind.
        await reader.next((f) => f.type === "agent_conversation.updated" && f.conversation.messages.length === messages);
      }
      stalled.ws.terminate();
      expect(reader.ws.readyState).toBe(reader.ws.OPEN);
      const res = await post(`/api/agent/${conversationId}/message`, { role: "user", content: "after" });
      expect(res.status).toBe(200);
      await reader.next((f) => f.conversation?.messages.at(-1)?.content === "after", "an update after the drop");
    });
  });
});
