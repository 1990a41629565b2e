// Node-only: GET /desktop/vnc on the Node server — the `upgrade` event (node:http) with the `ws` package.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Deps } from "../deps";
import { checkVncHandshake } from "../desktop/vnc/handshake";
import type { RelaySession } from "../desktop/vnc/relay";
import { refuseUpgrade } from "./refuse-upgrade";

/** Viewer frames are small RFB messages; a clipboard over this ends the connection (as on Bun). */
const MAX_INCOMING_BYTES = 64 * 1024;

/**
 * The live desktop view's WebSocket on Node: the handshake is decided first (token, taskId, a
 * place among the viewers → 401/400/404/503 as plain HTTP), then binary frames are relayed by
 * src/desktop/vnc/relay.ts. `close()` is the relay's: every viewer gets 1001 and x11vnc stops.
 *
 * @example
 * const vnc = createNodeVncUpgrade(deps);
 * server.on("upgrade", (req, socket, head) => vnc.upgrade(req, socket, head, new URL(req.url, "http://x")));
 */
export function createNodeVncUpgrade(deps: Pick<Deps, "config" | "log" | "vnc">) {
  const { config, log, vnc } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_BYTES });
  const sessions = new Map<WebSocket, RelaySession>();

  return {
    async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
      const verdict = await checkVncHandshake({
        url,
        authorization: request.headers.authorization,
        tokens: config.auth.tokens,
        relay: vnc,
      });
      if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.contentType, verdict.body, verdict.headers);
      const { admission } = verdict;
      if (request.headers.upgrade?.toLowerCase() !== "websocket" || !vnc) {
        admission.release();
        return refuseUpgrade(socket, 400, "text/plain; charset=utf-8", "Expected Upgrade: websocket");
      }
      // The handshake can still fail after the admission (a bad Sec-WebSocket-Key: `ws` answers 400
      // and never calls back); the place among the viewers is then given back when the socket closes.
      let handled = false;
      socket.once("close", () => {
        if (!handled) admission.release();
      });
      wss.handleUpgrade(request, socket, head, (ws) => {
        handled = true;
        ws.binaryType = "nodebuffer";
        const session = vnc.open(
          {
            send: (bytes) => ws.send(bytes, { binary: true }),
            get bufferedAmount() {
              return ws.bufferedAmount;
            },
            close: (code, reason) => ws.close(code, reason),
          },
          admission,
        );
        sessions.set(ws, session);
        ws.on("message", (data: Buffer, isBinary: boolean) => {
          if (isBinary) session.receive(new Uint8Array(data.buffer, data.byteOffset, data.length));
        });
        const forget = () => {
          sessions.delete(ws);
          session.closed();
        };
        ws.on("close", forget);
        ws.on("error", (error) => {
          log.debug({ err: error }, "Live-desktop WebSocket error");
          forget();
        });
      });
    },
    /** Every viewer is told goodbye (1001) and our x11vnc stops. */
    async close(): Promise<void> {
      await vnc?.close();
      wss.close();
    },
  };
}
