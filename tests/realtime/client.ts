// Node-only: a test WebSocket client (the `ws` package) that collects frames.
import WebSocket from "ws";
import { waitFor } from "../support/wait";

export interface TestSocket {
  ws: WebSocket;
  frames: Record<string, any>[];
  /** Resolves with the first frame (already received or later) matching `predicate`. */
  next(predicate: (frame: Record<string, any>) => boolean, what?: string): Promise<Record<string, any>>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** Connects and resolves once open; rejects with the HTTP status when the handshake is refused. */
export function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const frames: Record<string, any>[] = [];
    ws.on("message", (data) => frames.push(JSON.parse(String(data))));
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.once("close", (code, reason) => done({ code, reason: String(reason) })),
    );
    ws.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () =>
        reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode, body })),
      );
    });
    ws.once("error", reject);
    ws.once("open", () =>
      resolve({
        ws,
        frames,
        closed,
        next: (predicate, what = "frame") => waitFor(() => frames.find(predicate), { what }),
        close: async () => {
          if (ws.readyState === WebSocket.CLOSED) return;
          ws.close();
          await closed;
        },
      }),
    );
  });
}

/** The refusal of a handshake: its status and body. */
export async function refusal(url: string, options: WebSocket.ClientOptions = {}): Promise<{ status: number; body: string }> {
  try {
    const socket = await connect(url, options);
    await socket.close();
  } catch (error) {
    const { status, body } = error as { status?: number; body?: string };
    if (status) return { status, body: body ?? "" };
    throw error;
  }
  throw new Error(`handshake to ${url} was accepted`);
}
