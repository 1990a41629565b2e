// Runtime-neutral: the WebSocket ↔ VNC relay behind GET /desktop/vnc (sockets come in through interfaces).
import { HttpError } from "../../http/errors";
import type { Logger } from "../../log";
import { createByteReader } from "./bytes";
import type { ControlCheck } from "./control";
import { createClientFramer, handshakeWithServer, handshakeWithViewer } from "./rfb";
import type { VncServer } from "./server";
import {
  type Admission,
  CLOSE,
  type ConnectTcp,
  type RelaySession,
  shortReason,
  type UpstreamSocket,
  type ViewerSocket,
} from "./sockets";

export { type Admission, CLOSE, type ConnectTcp, type RelaySession, type UpstreamSocket, type ViewerSocket } from "./sockets";

export interface VncRelayOptions {
  server: VncServer;
  connect: ConnectTcp;
  control: ControlCheck;
  maxViewers: number;
  log: Pick<Logger, "debug" | "info" | "warn">;
  /** A viewer this far behind stops the VNC server's stream until it catches up. */
  maxBufferedBytes?: number;
}

/**
 * Relays live-desktop viewers (noVNC over a WebSocket) to the VNC server. The relay does the VNC
 * authentication itself and offers the browser security type None: the browser proved itself
 * with the runner's bearer token, and the VNC password stays on the server. After the handshakes
 * the server's bytes pass through untouched; the viewer's are framed into RFB messages so input
 * (keys, pointer, clipboard, resize) reaches the desktop only from a viewer in control of a task
 * under USER control, re-checked as it goes — control handed back to the assistant ends such a
 * viewer (4403) instead of letting a person and the agent drive at once. A view-only viewer's
 * input is dropped, and with our x11vnc it is logged in with the view-only password as well.
 * At most `maxViewers` at once; `close()` ends them all (1001).
 *
 * @example
 * const admission = await relay.admit({ taskId }); // at the WebSocket handshake (throws 503/404)
 * const session = relay.open(viewerSocket, admission);
 * ws.onmessage = (bytes) => session.receive(bytes); ws.onclose = () => session.closed();
 */
export function createVncRelay(options: VncRelayOptions) {
  const { server, log } = options;
  const maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  const sessions = new Set<{ finish(code: number, reason: string): void }>();
  let viewers = 0;
  let closed = false;

  const admit = async (request: { taskId?: string | undefined }): Promise<Admission> => {
    if (closed) throw new HttpError(503, "The server is shutting down");
    if (viewers >= options.maxViewers) {
      throw new HttpError(
        503,
        `Too many live-desktop viewers (DESKTOP_VNC_MAX_VIEWERS=${options.maxViewers}); close one and try again`,
      );
    }
    await server.target();
    const mode = request.taskId && (await options.control.allowed(request.taskId)) ? "control" : "view";
    if (viewers >= options.maxViewers) {
      throw new HttpError(
        503,
        `Too many live-desktop viewers (DESKTOP_VNC_MAX_VIEWERS=${options.maxViewers}); close one and try again`,
      );
    }
    viewers++;
    let released = false;
    return {
      mode,
      ...(request.taskId ? { taskId: request.taskId } : {}),
      release: () => {
        if (released) return;
        released = true;
        viewers--;
      },
    };
  };

  const open = (viewer: ViewerSocket, admission: Admission): RelaySession => {
    const fromViewer = createByteReader({ maxBuffered: 64 * 1024 });
    const fromServer = createByteReader();
    const framer = createClientFramer();
    let upstream: UpstreamSocket | undefined;
    let relaying = false;
    let ended = false;
    let paused: ReturnType<typeof setInterval> | undefined;
    /** The viewer's messages go out in order, each batch after its control check. */
    let outgoing: Promise<void> = Promise.resolve();
    let droppedInput = false;

    const session = {
      finish(code: number, reason: string) {
        if (ended) return;
        ended = true;
        sessions.delete(session);
        if (paused) clearInterval(paused);
        fromViewer.end();
        fromServer.end();
        upstream?.close();
        try {
          viewer.close(code, shortReason(reason));
        } catch {
          // already closed
        }
        admission.release();
        log.debug({ code, mode: admission.mode }, "Live-desktop viewer disconnected");
      },
    };
    sessions.add(session);

    const toViewer = (bytes: Uint8Array) => {
      if (ended) return;
      viewer.send(bytes);
      if (!paused && viewer.bufferedAmount > maxBufferedBytes && upstream) {
        // Backpressure: stop reading the VNC server until the browser has taken half the backlog.
        upstream.pause();
        paused = setInterval(() => {
          if (ended || viewer.bufferedAmount > maxBufferedBytes / 2) return;
          clearInterval(paused);
          paused = undefined;
          upstream?.resume();
        }, 25);
      }
    };

    const deliver = async (messages: ReturnType<typeof framer.push>) => {
      const input = messages.some((message) => message.input);
      let allowed = false;
      if (input && admission.mode === "control" && admission.taskId) {
        allowed = await options.control.allowed(admission.taskId);
        if (!allowed) {
          session.finish(CLOSE.controlLost, "The task is no longer under your control; reconnect to watch");
          return;
        }
      }
      if (input && !allowed && !droppedInput) {
        droppedInput = true;
        log.debug({ taskId: admission.taskId }, "Dropped input from a view-only live-desktop viewer");
      }
      for (const message of messages) if (!message.input || allowed) upstream?.write(message.bytes);
    };

    const relayFromViewer = (bytes: Uint8Array) => {
      let messages: ReturnType<typeof framer.push>;
      try {
        messages = framer.push(bytes);
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 400;
        session.finish(status === 413 ? CLOSE.tooBig : CLOSE.protocol, (error as Error).message);
        return;
      }
      if (messages.length === 0) return;
      outgoing = outgoing
        .then(() => (ended ? undefined : deliver(messages)))
        .catch((error: unknown) => session.finish(CLOSE.internal, `Could not check control: ${(error as Error).message}`));
    };

    const run = async () => {
      const target = await server.target();
      const connection = await options.connect(target, {
        onData: (bytes) => (relaying ? toViewer(bytes) : fromServer.push(bytes)),
        onClose: (error) => {
          fromServer.end(error);
          session.finish(
            error ? CLOSE.internal : CLOSE.normal,
            error ? `VNC connection lost: ${error.message}` : "The VNC server closed the connection",
          );
        },
      });
      upstream = connection;
      if (ended) return connection.close();
      const password = admission.mode === "view" && target.viewPassword ? target.viewPassword : target.password;
      await handshakeWithServer(fromServer, (bytes) => connection.write(bytes), password);
      await handshakeWithViewer(fromViewer, (bytes) => viewer.send(bytes));
      // ClientInit: always shared, so one viewer joining never disconnects another.
      connection.write(new Uint8Array([1]));
      relaying = true;
      const early = fromServer.take();
      if (early.length > 0) toViewer(early);
      const pending = fromViewer.take();
      if (pending.length > 0) relayFromViewer(pending);
      log.debug({ mode: admission.mode, taskId: admission.taskId }, "Live-desktop viewer connected");
    };

    run().catch((error: unknown) => {
      if (ended) return;
      const status = error instanceof HttpError ? error.status : 502;
      log.warn({ err: error }, "Live-desktop relay failed");
      session.finish(status === 400 ? CLOSE.protocol : CLOSE.unavailable, (error as Error).message);
    });

    return {
      receive(bytes) {
        if (ended) return;
        if (relaying) relayFromViewer(bytes);
        else fromViewer.push(bytes);
      },
      closed() {
        session.finish(CLOSE.normal, "Viewer left");
      },
    };
  };

  return {
    admit,
    open,
    /** For GET /desktop/status: whether a live view can be had (starts x11vnc on demand), and the viewer count. */
    async status() {
      return { ...(await server.status()), viewers, maxViewers: options.maxViewers };
    },
    get viewers() {
      return viewers;
    },
    maxViewers: options.maxViewers,
    /** Ends every viewer (1001) and stops our VNC server. */
    async close(): Promise<void> {
      // Called by the WebSocket side at shutdown and again by closeDeps: both wait for x11vnc to stop.
      closed = true;
      for (const session of [...sessions]) session.finish(CLOSE.goingAway, "Server shutting down");
      await server.close();
    },
  };
}

export type VncRelay = ReturnType<typeof createVncRelay>;
