import { z } from "zod";
import { type BuildContext, type EnvValues, flag, int, text } from "./parse";

/** `vnc://host:port`, `tcp://host:port` or `host:port` (port 5900 when left out) → host and port. */
const vncAddress = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      const match = /^(?:(?:vnc|tcp):\/\/)?(\[[0-9a-f:]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?\/?$/i.exec(raw.trim());
      const port = Number(match?.[2] ?? 5900);
      if (!match || port < 1 || port > 65_535) {
        ctx.addIssue({ code: "custom", message: `expects vnc://host:port (e.g. vnc://127.0.0.1:5900), got "${raw}"` });
        return z.NEVER;
      }
      return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
    });

/**
 * The live desktop view (issue 14): noVNC in the browser → our WebSocket relay (`/desktop/vnc`) →
 * a VNC server on the display. By default the runner starts x11vnc itself, on demand, bound to
 * 127.0.0.1 with a password generated per start; DESKTOP_VNC_URL points it at a VNC server that
 * already runs (the sidecar's host, a container) instead.
 */
export const vncEnv = {
  DESKTOP_VNC: flag(true),
  DESKTOP_VNC_URL: vncAddress(),
  DESKTOP_VNC_PASSWORD: text(),
  DESKTOP_VNC_MAX_VIEWERS: int("concurrent live-desktop viewers", 4, 1, 64),
  X11VNC_PATH: text(),
};

export function vncConfig(e: EnvValues<typeof vncEnv>, _ctx: BuildContext) {
  return {
    vnc: {
      enabled: e.DESKTOP_VNC,
      /** An existing VNC server; absent: x11vnc is started here on DESKTOP's DISPLAY. */
      external: e.DESKTOP_VNC_URL,
      /** The external server's password, or a fixed one for ours (else generated at each start). */
      password: e.DESKTOP_VNC_PASSWORD,
      maxViewers: e.DESKTOP_VNC_MAX_VIEWERS,
      x11vncPath: e.X11VNC_PATH ?? "x11vnc",
    },
  };
}

export type VncConfig = ReturnType<typeof vncConfig>["vnc"];
