// Bun-only: GET /desktop/vnc on Bun.serve — the live desktop view's WebSocket, on Bun's ServerWebSocket.
import type { Server, ServerWebSocket } from "bun";
import type { Deps } from "../deps";
import { checkVncHandshake } from "../desktop/vnc/handshake";
import type { Admission, RelaySession } from "../desktop/vnc/relay";

/** What `server.upgrade` is given for a live-desktop viewer; the session is set when it opens. */
export interface VncSocketData {
  vnc: { admission: Admission; session?: RelaySession };
}

export const isVncSocket = (data: unknown): data is VncSocketData => typeof data === "object" && data !== null && "vnc" in data;

const refuse = (status: number, contentType: string, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { Connection: "close", "Content-Type": contentType, ...headers } });

/**
 * The Bun counterpart of src/node/vnc-websocket.ts, with the same contract: the handshake is decided
 * before upgrading (401/400/404/503 as plain HTTP), then binary frames go to the relay. Bun.serve
 * has one `websocket` handler for every socket, so src/bun/websockets.ts hands the open, message
 * and close of sockets carrying `VncSocketData` to `open`, `message` and `close` here.
 *
 * @example
 * const vnc = createBunVncUpgrade(deps);
 * if (new URL(req.url).pathname === VNC_PATH) return vnc.fetch(req, server);
 */
export function createBunVncUpgrade(deps: Pick<Deps, "config" | "log" | "vnc">) {
  const { config, vnc } = deps;
  return {
    async fetch(request: Request, server: Server): Promise<Response> {
      const url = new URL(request.url);
      const verdict = await checkVncHandshake({
        url,
        authorization: request.headers.get("authorization"),
        tokens: config.auth.tokens,
        relay: vnc,
      });
      if (!verdict.ok) return refuse(verdict.status, verdict.contentType, verdict.body, verdict.headers);
      const { admission } = verdict;
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        admission.release();
        return refuse(400, "text/plain; charset=utf-8", "Expected Upgrade: websocket");
      }
      if (request.method !== "GET" || !server.upgrade<VncSocketData>(request, { data: { vnc: { admission } } })) {
        admission.release();
        return refuse(400, "text/plain; charset=utf-8", "Bad WebSocket handshake");
      }
      // Upgraded: Bun ignores this response.
      return new Response(null);
    },
    open(ws: ServerWebSocket<VncSocketData>) {
      if (!vnc) return ws.close(1011, "The live desktop view is not available");
      const state = ws.data.vnc;
      state.session = vnc.open(
        {
          // -1 is queued behind backpressure (fine: bufferedAmount tells the relay); 0 is dropped.
          send: (bytes) => {
            if (ws.send(bytes) === 0) throw new Error("Live-desktop frame dropped at the backpressure limit");
          },
          get bufferedAmount() {
            return ws.getBufferedAmount();
          },
          close: (code, reason) => ws.close(code, reason),
        },
        state.admission,
      );
    },
    message(ws: ServerWebSocket<VncSocketData>, message: string | Buffer) {
      if (typeof message === "string") return;
      ws.data.vnc.session?.receive(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    },
    closed(ws: ServerWebSocket<VncSocketData>) {
      const state = ws.data.vnc;
      if (state.session) state.session.closed();
      else state.admission.release();
    },
    /** Every viewer is told goodbye (1001) and our x11vnc stops. */
    close: (): Promise<void> => vnc?.close() ?? Promise.resolve(),
  };
}
