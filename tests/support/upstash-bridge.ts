// Node-only: an HTTP server (node:http via @hono/node-server) in front of a TCP Redis.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { createClient, ErrorReply, MultiErrorReply } from "redis";

export interface UpstashBridge {
  url: string;
  token: string;
  port: number;
  /** Stops answering (connections refused) while keeping the port for `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

type Command = (string | number | boolean)[];
type Reply = { result: unknown } | { error: string };

/** Upstash encodes every string of a reply (nested arrays too) when asked; numbers and nulls stay. */
const encode = (value: unknown): unknown =>
  typeof value === "string" ? Buffer.from(value, "utf8").toString("base64") : Array.isArray(value) ? value.map(encode) : value;

const isCommand = (value: unknown): value is Command =>
  Array.isArray(value) && value.length > 0 && value.every((part) => ["string", "number", "boolean"].includes(typeof part));

const toArgs = (command: Command) => command.map((part, i) => (i === 0 ? String(part).toUpperCase() : String(part)));

/**
 * Our own Upstash-REST endpoint for tests, enough for `@upstash/redis`: `POST /` runs one command
 * (a JSON array), `/pipeline` and `/multi-exec` run an array of them; replies are RESP2 values as
 * `{result}` / `{error}`, strings base64-encoded when the request says `Upstash-Encoding: base64`
 * (the client's default). The bearer token is checked on every route. Bound to 127.0.0.1.
 *
 * @example
 * const bridge = await startUpstashBridge({ redisUrl: redis.url });
 * const client = new Redis({ url: bridge.url, token: bridge.token });
 */
export async function startUpstashBridge(options: { redisUrl: string; token?: string; port?: number }): Promise<UpstashBridge> {
  const token = options.token ?? `test-token-${Math.random().toString(36).slice(2)}`;
  const redis = createClient({
    url: options.redisUrl,
    RESP: 2,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500) },
  });
  redis.on("error", () => {});
  await redis.connect();

  const app = new Hono();
  app.use("*", async (c, next) => {
    if (c.req.header("authorization") !== `Bearer ${token}`) return c.json({ error: "Unauthorized" }, 401);
    await next();
  });

  const send = (command: Command) => redis.sendCommand(toArgs(command));
  const outward = (encoded: boolean, result: unknown): Reply => ({ result: encoded ? encode(result) : result });
  const failure = (error: unknown) =>
    error instanceof ErrorReply
      ? { status: 400 as const, body: { error: error.message } }
      : { status: 503 as const, body: { error: `Redis unavailable: ${(error as Error).message}` } };

  const readCommands = async (body: Promise<unknown>): Promise<Command[] | null> => {
    const commands = await body.catch(() => null);
    return Array.isArray(commands) && commands.every(isCommand) ? commands : null;
  };

  app.post("/", async (c) => {
    const command = await c.req.json().catch(() => null);
    if (!isCommand(command)) return c.json({ error: "ERR body must be a JSON array of a command and its arguments" }, 400);
    const encoded = c.req.header("upstash-encoding") === "base64";
    try {
      return c.json(outward(encoded, await send(command)));
    } catch (error) {
      const { status, body } = failure(error);
      return c.json(body, status);
    }
  });

  app.post("/pipeline", async (c) => {
    const commands = await readCommands(c.req.json());
    if (!commands) return c.json({ error: "ERR body must be a JSON array of commands" }, 400);
    const encoded = c.req.header("upstash-encoding") === "base64";
    // Sent together; node-redis writes them as one pipeline. Errors stay per command, as Upstash does.
    const settled = await Promise.allSettled(commands.map(send));
    const down = settled.find((s) => s.status === "rejected" && !(s.reason instanceof ErrorReply));
    if (down?.status === "rejected") return c.json(failure(down.reason).body, 503);
    return c.json(
      settled.map((s): Reply => (s.status === "fulfilled" ? outward(encoded, s.value) : { error: (s.reason as Error).message })),
    );
  });

  app.post("/multi-exec", async (c) => {
    const commands = await readCommands(c.req.json());
    if (!commands) return c.json({ error: "ERR body must be a JSON array of commands" }, 400);
    const encoded = c.req.header("upstash-encoding") === "base64";
    const multi = redis.multi();
    for (const command of commands) multi.addCommand(toArgs(command));
    try {
      const replies = (await multi.exec()) as unknown[];
      return c.json(replies.map((reply) => outward(encoded, reply)));
    } catch (error) {
      // Runtime errors inside EXEC fail only their own command; the others ran.
      if (error instanceof MultiErrorReply) {
        return c.json(
          error.replies.map((reply): Reply => (reply instanceof ErrorReply ? { error: reply.message } : outward(encoded, reply))),
        );
      }
      const { status, body } = failure(error);
      return c.json(body, status);
    }
  });

  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const created = createAdaptorServer({ fetch: app.fetch }) as Server;
      created.once("error", reject);
      created.listen(port, "127.0.0.1", () => resolve(created));
    });

  server = await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  const bridge: UpstashBridge = {
    url: `http://127.0.0.1:${port}`,
    token,
    port,
    async stop() {
      const current = server;
      server = undefined;
      if (!current) return;
      current.closeAllConnections(); // keep-alive sockets would otherwise keep answering
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    async start() {
      if (!server) server = await listen(port);
    },
    async close() {
      await bridge.stop();
      redis.destroy();
    },
  };
  return bridge;
}
