// Runtime-neutral: which VNC server the relay talks to, and starting ours (x11vnc) when first needed.
import type { DesktopConfig } from "../../config/desktop";
import type { VncConfig } from "../../config/vnc";
import { HttpError } from "../../http/errors";
import type { Logger } from "../../log";

/** Where the relay connects, and with which passwords. */
export interface VncTarget {
  host: string;
  port: number;
  /** Full access; absent: the server asks for none. */
  password?: string;
  /** View-only access (our x11vnc has one): the VNC server itself then ignores the viewer's input. */
  viewPassword?: string;
}

/** A VNC server process started on a display; Node's is x11vnc (src/node/x11vnc.ts). */
export interface RunningVncServer {
  port: number;
  /** Settles when the process ends (crash, or stop()). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export type VncLauncher = (options: { display: string; password: string; viewPassword: string }) => Promise<RunningVncServer>;

export type VncServerStatus = { available: true; source: "x11vnc" | "external" } | { available: false; reason: string };

const PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** Eight random characters: VNC authentication uses the first eight bytes of a password, no more. */
export function generateVncPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((byte) => PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length]).join("");
}

export interface VncServerOptions {
  config: VncConfig;
  desktop: DesktopConfig;
  /** Starts x11vnc here (Node, local executor); absent: only DESKTOP_VNC_URL can give a live view. */
  launch?: VncLauncher;
  /** Why there is no launcher, for the status message (e.g. "the executor is a sidecar"). */
  noLauncherReason?: string;
  log: Pick<Logger, "info" | "warn">;
}

/**
 * The VNC server behind the live desktop view. With DESKTOP_VNC_URL it is that server; otherwise
 * x11vnc is started on DISPLAY the first time someone asks (a status check or a viewer), bound to
 * 127.0.0.1, with a full and a view-only password generated for that start and kept in memory
 * only. A crash is noticed and the next request starts it again; `close()` stops it (shutdown).
 * Concurrent first requests share one start.
 *
 * @example
 * const server = createVncServer({ config: config.vnc, desktop: config.desktop, launch: launchX11vnc, log });
 * const target = await server.target(); // throws 503 with the reason when there is no VNC server
 */
export function createVncServer(options: VncServerOptions) {
  const { config, desktop, log } = options;
  let running: { server: RunningVncServer; target: VncTarget } | undefined;
  let starting: Promise<VncTarget> | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;

  /** The reason there can be no VNC server at all (configuration), or undefined. */
  const unavailable = (): string | undefined => {
    if (!config.enabled) return "The live desktop view is switched off (DESKTOP_VNC=off); the page shows screenshots instead";
    if (config.external) return undefined;
    if (!desktop.enabled) return "Computer use is disabled (DESKTOP_ENABLED=false), so there is no desktop to show";
    if (!options.launch) {
      return `No VNC server: ${options.noLauncherReason ?? "this runtime cannot start x11vnc"}; set DESKTOP_VNC_URL to a VNC server on the display`;
    }
    return undefined;
  };

  const start = async (): Promise<VncTarget> => {
    const password = config.password ?? generateVncPassword();
    let viewPassword = generateVncPassword();
    while (viewPassword === password) viewPassword = generateVncPassword();
    const server = await options.launch!({ display: desktop.display, password, viewPassword });
    if (closed) {
      await server.stop();
      throw new HttpError(503, "The server is shutting down");
    }
    const target: VncTarget = { host: "127.0.0.1", port: server.port, password, viewPassword };
    running = { server, target };
    log.info({ display: desktop.display, port: server.port }, "Started x11vnc for the live desktop view");
    void server.exited.then(() => {
      if (running?.server !== server) return;
      running = undefined;
      if (!closed) log.warn({ display: desktop.display }, "x11vnc exited; it is started again when next needed");
    });
    return target;
  };

  const target = async (): Promise<VncTarget> => {
    const why = unavailable();
    if (why) throw new HttpError(503, why);
    if (closed) throw new HttpError(503, "The server is shutting down");
    if (config.external) return { ...config.external, ...(config.password ? { password: config.password } : {}) };
    if (running) return running.target;
    starting ??= start().finally(() => {
      starting = undefined;
    });
    try {
      return await starting;
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(503, `Could not start x11vnc: ${(error as Error).message}`);
    }
  };

  return {
    target,
    /** Whether a live view can be had now (starts x11vnc when it is ours and not running yet). */
    async status(): Promise<VncServerStatus> {
      try {
        await target();
        return { available: true, source: config.external ? "external" : "x11vnc" };
      } catch (error) {
        return { available: false, reason: (error as Error).message };
      }
    },
    /** Stops our x11vnc (an external server is left alone). Every caller waits for the same stop. */
    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        await starting?.catch(() => {});
        const current = running;
        running = undefined;
        await current?.server.stop();
      })();
      return closing;
    },
  };
}

export type VncServer = ReturnType<typeof createVncServer>;
