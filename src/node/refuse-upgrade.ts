// Node-only: a refused WebSocket handshake answered as plain HTTP on the raw socket (node:stream).
import type { Duplex } from "node:stream";

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  409: "Conflict",
  503: "Service Unavailable",
};

/** Answers a handshake with a plain HTTP response and closes the socket, as the original did (§2.5). */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
) {
  if (socket.destroyed) return;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ""}`,
    "Connection: close",
    `Content-Type: ${contentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
  socket.once("finish", () => socket.destroy());
}
