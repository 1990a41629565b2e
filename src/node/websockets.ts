// Node-only: handles the HTTP server's `upgrade` event (node:http, node:stream) with the `ws` package.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Deps } from "../deps";
import { VNC_PATH } from "../desktop/vnc/handshake";
import { checkHandshake } from "../realtime/handshake";
import { createRealtimeHub, type RealtimeSocket } from "../realtime/hub";
import { refuseUpgrade as refuse } from "./refuse-upgrade";
import { createNodeVncUpgrade } from "./vnc-websocket";

/** Clients only ever send pings/pongs or ignored chatter; a big frame is refused outright. */
const MAX_INCOMING_BYTES = 64 * 1024;

/**
 * Serves the WebSocket endpoints of §2.5 on the Node server: `/api/ws`, `/conversations/api/ws`
 * (topic `conversation:{id}`) and `/api/agent/ws`, `/agent-conversations/api/ws`
 * (`agent_conversation:{id}`). The handshake is checked before upgrading (token, conversationId,
 * path); after it the hub sends the snapshot and every change. The server pings each client every
 * `WS_PING_INTERVAL_MS`; one that has not answered the previous ping by then is dropped.
 *
 * @example
 * const realtime = attachWebSockets(server, deps);
 * await realtime.close(); // on shutdown, before server.close() can finish
 */
export function attachWebSockets(
  server: Server,
  deps: Pick<Deps, "config" | "log" | "conversationStore" | "taskEngine" | "vnc">,
) {
  const { config, log } = deps;
  const hub = createRealtimeHub({
    store: deps.conversationStore,
    log,
    maxBufferedBytes: config.realtime.maxBufferedBytes,
    tasks: deps.taskEngine.realtime,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_BYTES });
  // The live desktop view's relay (GET /desktop/vnc) shares the port and the `upgrade` event.
  const vnc = createNodeVncUpgrade(deps);
  const alive = new WeakMap<WebSocket, boolean>();
  const sockets = new Map<WebSocket, RealtimeSocket>();

  const wrap = (ws: WebSocket): RealtimeSocket => ({
    send: (text) => ws.send(text),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    terminate: () => ws.terminate(),
  });

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {}); // a client vanishing mid-handshake is not our error
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === VNC_PATH) return vnc.upgrade(request, socket, head, url);
    const verdict = await checkHandshake({ url, authorization: request.headers.authorization, tokens: config.auth.tokens });
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.contentType, verdict.body, verdict.headers);
    if (request.headers.upgrade?.toLowerCase() !== "websocket") {
      return refuse(socket, 400, "text/plain; charset=utf-8", "Expected Upgrade: websocket");
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const handle = wrap(ws);
      sockets.set(ws, handle);
      alive.set(ws, true);
      ws.on("pong", () => alive.set(ws, true));
      const forget = () => {
        sockets.delete(ws);
        hub.disconnect(handle);
      };
      ws.on("close", forget);
      ws.on("error", (error) => {
        log.debug({ err: error }, "WebSocket error");
        forget();
      });
      // Never log the URL: it may carry ?token=.
      log.debug({ path: url.pathname, family: verdict.family }, "WebSocket connected");
      hub.follow(handle, verdict).catch((error: unknown) => {
        log.warn({ err: error }, "WebSocket snapshot failed");
      });
    });
  };

  const listener = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(request, socket, head).catch((error: unknown) => {
      log.error({ err: error }, "WebSocket handshake failed");
      socket.destroy();
    });
  };
  server.on("upgrade", listener);

  const keepAlive = setInterval(() => {
    for (const ws of sockets.keys()) {
      if (!alive.get(ws)) {
        log.info("Dropped a WebSocket client that stopped answering pings");
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, config.realtime.pingIntervalMs);
  keepAlive.unref();

  return {
    hub,
    /** Says goodbye (1001) to every client and stops the feed subscription. */
    async close(): Promise<void> {
      clearInterval(keepAlive);
      server.off("upgrade", listener);
      hub.close();
      const closing = [...sockets.keys()].map(
        (ws) =>
          new Promise<void>((resolve) => {
            ws.once("close", () => resolve());
            ws.close(1001, "Server shutting down");
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 1000).unref();
          }),
      );
      await Promise.all([...closing, vnc.close()]);
      wss.close();
    },
  };
}

export type WebSockets = ReturnType<typeof attachWebSockets>;
