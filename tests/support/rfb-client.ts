// Node-only (test support): a minimal RFB viewer over the relay's WebSocket (the `ws` package), as noVNC speaks it.
import WebSocket from "ws";
import { createByteReader, u16, u32 } from "../../src/desktop/vnc/bytes";

export interface RfbViewer {
  ws: WebSocket;
  width: number;
  height: number;
  name: string;
  /** PointerEvent (5): buttons is the mask (1 = left). */
  pointer(x: number, y: number, buttons?: number): void;
  /** KeyEvent (4). */
  key(keysym: number, down: boolean): void;
  /** FramebufferUpdateRequest (3) for the whole screen. */
  requestUpdate(incremental?: boolean): void;
  /** Resolves with the next bytes the server sent, at least `n` of them (for "it still streams"). */
  read(n: number): Promise<Uint8Array>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

const ascii = (text: string) => Buffer.from(text, "latin1");

/**
 * Opens `url` and does the viewer's half of the handshake the relay offers (RFB 3.8, security
 * None, shared ClientInit); resolves after ServerInit. Rejects with `status` when the WebSocket
 * handshake is refused, or with the close when the relay ends the connection first.
 */
export function connectViewer(url: string, options: WebSocket.ClientOptions = {}): Promise<RfbViewer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.binaryType = "nodebuffer";
    const reader = createByteReader({ maxBuffered: 256 * 1024 * 1024 });
    ws.on("message", (data: Buffer) => reader.push(new Uint8Array(data)));
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.once("close", (code, reason) => {
        reader.end(new Error(`closed ${code} ${reason}`));
        done({ code, reason: String(reason) });
      }),
    );
    ws.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () =>
        reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode, body })),
      );
    });
    ws.once("error", reject);
    ws.once("open", async () => {
      try {
        const version = Buffer.from(await reader.read(12)).toString("latin1");
        if (version !== "RFB 003.008\n") throw new Error(`unexpected version ${JSON.stringify(version)}`);
        ws.send(ascii("RFB 003.008\n"));
        const count = (await reader.read(1))[0]!;
        const types = [...(await reader.read(count))];
        if (types.join() !== "1") throw new Error(`expected only security None, got ${types}`);
        ws.send(new Uint8Array([1]));
        if (u32(await reader.read(4), 0) !== 0) throw new Error("security result was not OK");
        ws.send(new Uint8Array([1])); // shared
        const init = await reader.read(24);
        const name = Buffer.from(await reader.read(u32(init, 20))).toString("utf8");
        const send = (bytes: number[]) => ws.send(new Uint8Array(bytes));
        resolve({
          ws,
          width: u16(init, 0),
          height: u16(init, 2),
          name,
          pointer: (x, y, buttons = 0) => send([5, buttons, x >> 8, x & 255, y >> 8, y & 255]),
          key: (keysym, down) =>
            send([4, down ? 1 : 0, 0, 0, (keysym >>> 24) & 255, (keysym >> 16) & 255, (keysym >> 8) & 255, keysym & 255]),
          requestUpdate: (incremental = false) =>
            send([
              3,
              incremental ? 1 : 0,
              0,
              0,
              0,
              0,
              u16(init, 0) >> 8,
              u16(init, 0) & 255,
              u16(init, 2) >> 8,
              u16(init, 2) & 255,
            ]),
          read: (n) => reader.read(n),
          closed,
          close: async () => {
            if (ws.readyState !== WebSocket.CLOSED) ws.close();
            await closed;
          },
        });
      } catch (error) {
        ws.terminate();
        reject(error);
      }
    });
  });
}

/** The refusal of a handshake: its status and body (throws when it was accepted). */
export async function viewerRefusal(
  url: string,
  options: WebSocket.ClientOptions = {},
): Promise<{ status: number; body: string }> {
  try {
    const viewer = await connectViewer(url, options);
    await viewer.close();
  } catch (error) {
    const { status, body } = error as { status?: number; body?: string };
    if (status) return { status, body: body ?? "" };
    throw error;
  }
  throw new Error(`handshake to ${url} was accepted`);
}
