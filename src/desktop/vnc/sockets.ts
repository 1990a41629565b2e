// Runtime-neutral: the two ends the live-desktop relay joins, what a viewer is let in with, and the close codes it sees.
import type { VncTarget } from "./server";

/** The browser's end: a WebSocket carrying binary frames. */
export interface ViewerSocket {
  send(bytes: Uint8Array): void;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
}

/** The VNC server's end: a TCP connection. */
export interface UpstreamSocket {
  write(bytes: Uint8Array): void;
  /** Stops reading (the viewer is behind), until resume(). */
  pause(): void;
  resume(): void;
  close(): void;
}

export type ConnectTcp = (
  target: Pick<VncTarget, "host" | "port">,
  events: { onData(bytes: Uint8Array): void; onClose(error?: Error): void },
) => Promise<UpstreamSocket>;

/** A viewer let in at the WebSocket handshake: what it may do, and its place among the viewers. */
export interface Admission {
  mode: "view" | "control";
  taskId?: string;
  /** Gives the place back (called by the session when it ends; safe to call twice). */
  release(): void;
}

export interface RelaySession {
  /** A binary frame from the viewer. */
  receive(bytes: Uint8Array): void;
  /** The viewer's socket closed. */
  closed(): void;
}

/** WebSocket close codes the viewer sees (4000–4999 are the application's own). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocol: 1002,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  tryAgain: 1013,
  controlLost: 4403,
  unavailable: 4503,
} as const;

/** A close reason must fit in 123 bytes. */
export const shortReason = (reason: string) => {
  const bytes = new TextEncoder().encode(reason);
  return bytes.length <= 123 ? reason : `${new TextDecoder().decode(bytes.slice(0, 119)).replace(/\uFFFD+$/, "")}…`;
};
