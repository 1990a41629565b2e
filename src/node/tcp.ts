// Node-only: a TCP connection (node:net) for the live-desktop relay; Bun runs it as well.
import { connect } from "node:net";
import type { ConnectTcp } from "../desktop/vnc/relay";

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens a TCP connection to the VNC server for src/desktop/vnc/relay.ts. Nagle is off: pointer
 * events are tiny and a person notices latency.
 *
 * @example
 * const upstream = await connectTcp({ host: "127.0.0.1", port: 5900 }, { onData, onClose });
 */
export const connectTcp: ConnectTcp = (target, events) =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error(`No answer from ${target.host}:${target.port}`)));
    let open = false;
    socket.once("connect", () => {
      open = true;
      socket.setTimeout(0);
      resolve({
        write: (bytes) => {
          socket.write(bytes);
        },
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        close: () => socket.destroy(),
      });
    });
    socket.on("data", (chunk: Buffer) => events.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    socket.once("error", (error) => {
      if (!open) reject(new Error(`Cannot reach the VNC server at ${target.host}:${target.port}: ${error.message}`));
    });
    socket.once("close", (hadError) => {
      if (open) events.onClose(hadError ? new Error("connection reset") : undefined);
    });
  });
