// Bun-only: the WebSocket endpoints (§2.5) on Bun.serve, through Hono's Bun adapter (hono/bun) and Bun's ServerWebSocket.
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { Hono } from "hono";
import { type BunWebSocketData, upgradeWebSocket, websocket } from "hono/bun";
import type { Deps } from "../deps";
import { VNC_PATH } from "../desktop/vnc/handshake";
import { checkHandshake, type HandshakeVerdict } from "../realtime/handshake";
import { createRealtimeHub, type RealtimeSocket } from "../realtime/hub";
import { createBunVncUpgrade, isVncSocket, type VncSocketData } from "./vnc-websocket";

/** Clients only ever send pings/pongs or ignored chatter; a big frame is refused outright (as on Node). */
const MAX_INCOMING_BYTES = 64 * 1024;

type Accepted = Extract<HandshakeVerdict, { ok: true }>;
type BunSocket = ServerWebSocket<BunWebSocketData>;
type AnySocket = ServerWebSocket<BunWebSocketData | VncSocketData>;

interface Connection {
  handle: RealtimeSocket;
  /** Answered the last ping. */
  alive: boolean;
  /** Resolves the shutdown's wait for this socket's close. */
  onClosed?: () => void;
}

/** A plain HTTP answer to a refused handshake, as the Node server writes it (§2.5). */
function refuse(status: number, contentType: string, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { Connection: "close", "Content-Type": contentType, ...headers } });
}

/**
 * Whether a request asks to switch protocols. Node's HTTP parser hands a request to the `upgrade`
 * event only with both `Upgrade` and `Connection: upgrade`; the same test here keeps every other
 * request (a plain `GET /api/ws` included) on the app, exactly as on Node.
 */
export function isUpgradeRequest(request: Request): boolean {
  return request.headers.has("upgrade") && /(^|,)\s*upgrade\s*(,|$)/i.test(request.headers.get("connection") ?? "");
}

/**
 * The Bun counterpart of src/node/websockets.ts, with the same contract: the handshake is checked
 * before upgrading (token, conversationId, path → 401/400/404 as plain HTTP); then the hub sends the
 * snapshot and every change; the server pings each client every `WS_PING_INTERVAL_MS` and
 * terminates one that has not answered the previous ping; a client too far behind is dropped;
 * shutdown says 1001 to everyone. Bun's own keep-alive (`sendPings`, `idleTimeout`) is switched off
 * so that this is the only policy, and a frame Bun would drop at its backpressure limit drops the
 * client instead of silently losing the frame.
 *
 * @example
 * const realtime = createBunWebSockets(deps);
 * Bun.serve({ fetch: (req, server) => isUpgradeRequest(req) ? realtime.fetch(req, server) : app.fetch(req, server),
 *             websocket: realtime.websocket });
 * await realtime.close(); // on shutdown, before server.stop()
 */
export function createBunWebSockets(deps: Pick<Deps, "config" | "log" | "conversationStore" | "taskEngine" | "vnc">) {
  const { config, log } = deps;
  const hub = createRealtimeHub({
    store: deps.conversationStore,
    log,
    maxBufferedBytes: config.realtime.maxBufferedBytes,
    tasks: deps.taskEngine.realtime,
  });
  const connections = new Map<BunSocket, Connection>();
  // The live desktop view's relay (GET /desktop/vnc) shares the port and the `websocket` handler.
  const vnc = createBunVncUpgrade(deps);

  const wrap = (ws: BunSocket): RealtimeSocket => ({
    send: (text) => {
      // 0 = Bun dropped the frame (past backpressureLimit): the hub then drops the client.
      if (ws.send(text) === 0) throw new Error("WebSocket frame dropped at the backpressure limit");
    },
    get bufferedAmount() {
      return ws.getBufferedAmount();
    },
    terminate: () => ws.terminate(),
  });

  const forget = (ws: BunSocket) => {
    const connection = connections.get(ws);
    if (!connection) return;
    connections.delete(ws);
    hub.disconnect(connection.handle);
    connection.onClosed?.();
  };

  const upgrades = new Hono<{ Bindings: Server; Variables: { verdict: Accepted } }>();
  upgrades.use(async (c, next) => {
    const url = new URL(c.req.url);
    const verdict = await checkHandshake({ url, authorization: c.req.header("authorization"), tokens: config.auth.tokens });
    if (!verdict.ok) return refuse(verdict.status, verdict.contentType, verdict.body, verdict.headers);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return refuse(400, "text/plain; charset=utf-8", "Expected Upgrade: websocket");
    }
    c.set("verdict", verdict);
    await next();
  });
  upgrades.get(
    "*",
    upgradeWebSocket((c) => {
      const verdict: Accepted = c.get("verdict");
      return {
        onOpen: (_event, context) => {
          const ws = context.raw as BunSocket;
          const handle = wrap(ws);
          connections.set(ws, { handle, alive: true });
          // Never log the URL: it may carry ?token=.
          log.debug({ path: new URL(c.req.url).pathname, family: verdict.family }, "WebSocket connected");
          hub.follow(handle, verdict).catch((error: unknown) => {
            log.warn({ err: error }, "WebSocket snapshot failed");
          });
        },
        onClose: (_event, context) => forget(context.raw as BunSocket),
        onError: (event, context) => {
          log.debug({ err: (event as Event & { error?: unknown }).error }, "WebSocket error");
          forget(context.raw as BunSocket);
        },
      };
    }),
  );
  // Reached when the upgrade did not happen: the method is not GET (405, as `ws` answers), or Bun
  // refused the handshake (a missing or invalid Sec-WebSocket-Key or -Version).
  upgrades.all("*", (c) =>
    c.req.method === "GET"
      ? refuse(400, "text/plain; charset=utf-8", "Bad WebSocket handshake")
      : refuse(405, "text/plain; charset=utf-8", "Invalid HTTP method"),
  );
  upgrades.onError((error) => {
    log.error({ err: error }, "WebSocket handshake failed");
    return refuse(500, "text/plain; charset=utf-8", "Internal Server Error");
  });

  const handler: WebSocketHandler<BunWebSocketData | VncSocketData> = {
    open: (ws) => (isVncSocket(ws.data) ? vnc.open(ws as ServerWebSocket<VncSocketData>) : websocket.open(ws as BunSocket)),
    message: (ws, message) =>
      isVncSocket(ws.data)
        ? vnc.message(ws as ServerWebSocket<VncSocketData>, message)
        : websocket.message(ws as BunSocket, message),
    close: (ws, code, reason) =>
      isVncSocket(ws.data) ? vnc.closed(ws as ServerWebSocket<VncSocketData>) : websocket.close(ws as BunSocket, code, reason),
    pong: (ws: AnySocket) => {
      const connection = connections.get(ws as BunSocket);
      if (connection) connection.alive = true;
    },
    maxPayloadLength: MAX_INCOMING_BYTES,
    // The hub drops a client past WS_MAX_BUFFERED_BYTES before sending; Bun's own limit sits above
    // that by room for one large frame, and `send` reports a drop (handled in wrap()).
    backpressureLimit: config.realtime.maxBufferedBytes + 16 * 1024 * 1024,
    closeOnBackpressureLimit: false,
    idleTimeout: 0,
    sendPings: false,
  };

  const keepAlive = setInterval(() => {
    for (const [ws, connection] of connections) {
      if (!connection.alive) {
        log.info("Dropped a WebSocket client that stopped answering pings");
        ws.terminate();
        continue;
      }
      connection.alive = false;
      ws.ping();
    }
  }, config.realtime.pingIntervalMs);
  keepAlive.unref();

  return {
    hub,
    /** Answers an upgrade request (see isUpgradeRequest): a refusal, or the switch to a WebSocket. */
    fetch: (request: Request, server: Server) =>
      new URL(request.url).pathname === VNC_PATH ? vnc.fetch(request, server) : upgrades.fetch(request, server),
    /** Bun.serve's `websocket` option. */
    websocket: handler,
    /** Says goodbye (1001) to every client and stops the feed subscription. */
    async close(): Promise<void> {
      clearInterval(keepAlive);
      hub.close();
      const closing = [...connections].map(
        ([ws, connection]) =>
          new Promise<void>((resolve) => {
            connection.onClosed = resolve;
            ws.close(1001, "Server shutting down");
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 1000).unref();
          }),
      );
      await Promise.all([...closing, vnc.close()]);
    },
  };
}

export type BunWebSockets = ReturnType<typeof createBunWebSockets>;
