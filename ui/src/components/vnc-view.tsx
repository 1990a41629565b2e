/**
 * The desktop, live: noVNC (`@novnc/novnc`, bundled) over the runner's WebSocket relay
 * (`/desktop/vnc?token=…&taskId=…`), view-only unless `interactive` — and the relay enforces it
 * too: without control of the task the server drops every key and pointer event. When there is no
 * live view (GET /desktop/status says why: DESKTOP_VNC=off, no x11vnc, Workers) or it closes, the
 * screen is polled as PNGs from GET /computer-use/screenshot instead, onto a canvas (the page's
 * CSP allows no blob: images).
 */
import type RFB from "@novnc/novnc";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { socketUrl } from "../live";
import type { DesktopViewStatus } from "../types";
import { ErrorNotice } from "./notice";

/** How often the fallback asks for a screenshot (after the previous one has arrived). */
const SCREENSHOT_EVERY_MS = 2000;

type View =
  | { kind: "checking" }
  | { kind: "live"; connected: boolean }
  | { kind: "screenshots"; reason: string }
  | { kind: "unavailable"; reason: string };

export interface VncViewProps {
  /** The task whose desktop this is (control is decided by the server from its state). */
  taskId?: string | undefined;
  /** The user has control: keyboard and pointer go to the desktop. */
  interactive: boolean;
  /** What the picture is, for screen readers ("The desktop of task 1a2b3c4d"). */
  label: string;
}

/** Draws PNGs of the screen onto `canvas` until the signal aborts; reports failures. */
function pollScreenshots(canvas: HTMLCanvasElement, signal: AbortSignal, onError: (message: string | undefined) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (signal.aborted) return;
    try {
      if (document.visibilityState === "visible") {
        const bitmap = await createImageBitmap(await api.screenshot(signal));
        if (signal.aborted) return;
        if (canvas.width !== bitmap.width) canvas.width = bitmap.width;
        if (canvas.height !== bitmap.height) canvas.height = bitmap.height;
        canvas.getContext("2d")?.drawImage(bitmap, 0, 0);
        bitmap.close();
        onError(undefined);
      }
    } catch (error) {
      if (signal.aborted) return;
      onError((error as Error).message);
    }
    timer = setTimeout(() => void tick(), SCREENSHOT_EVERY_MS);
  };
  void tick();
  signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
}

export function VncView({ taskId, interactive, label }: VncViewProps) {
  const screen = useRef<HTMLDivElement>(null);
  const fallback = useRef<HTMLCanvasElement>(null);
  const [view, setView] = useState<View>({ kind: "checking" });
  const [status, setStatus] = useState<DesktopViewStatus | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [attempt, setAttempt] = useState(0);

  // Ask whether a live view can be had, then connect noVNC (or fall back).
  useEffect(() => {
    const controller = new AbortController();
    let rfb: RFB | undefined;
    setView({ kind: "checking" });
    setError(undefined);
    api
      .desktopStatus(controller.signal)
      .then(
        (answer) => {
          if (controller.signal.aborted) return;
          setStatus(answer);
          if (!answer.desktop.available && !answer.vnc.available) {
            setView({ kind: "unavailable", reason: answer.desktop.error ?? answer.vnc.reason ?? "No desktop is available" });
            return;
          }
          if (!answer.vnc.available || !screen.current) {
            setView({ kind: "screenshots", reason: answer.vnc.reason ?? "The live view is not available" });
            return;
          }
          setView({ kind: "live", connected: false });
          const target = screen.current;
          // noVNC is loaded only here, as its own chunk: the other pages neither download it nor wait
          // for its module (which probes the browser's video decoders with a top-level await).
          return import("@novnc/novnc").then(({ default: Client }) => {
            if (controller.signal.aborted) return;
            connect(new Client(target, socketUrl(answer.vnc.path, taskId ? { taskId } : {}), { shared: true }));
          });
        },
        (failure: Error) => {
          if (controller.signal.aborted) return;
          setView({ kind: "unavailable", reason: failure.message });
        },
      )
      .catch((failure: Error) => {
        if (!controller.signal.aborted)
          setView({ kind: "screenshots", reason: `The live view could not start: ${failure.message}` });
      });
    function connect(client: RFB) {
      rfb = client;
      rfb.viewOnly = !interactive;
      rfb.focusOnClick = interactive;
      rfb.scaleViewport = true;
      rfb.resizeSession = false;
      rfb.background = "transparent";
      rfb.addEventListener("connect", () => setView({ kind: "live", connected: true }));
      rfb.addEventListener("disconnect", () => {
        rfb = undefined;
        if (controller.signal.aborted) return;
        setView({
          kind: "screenshots",
          reason: "The live view closed (the server may have stopped it, or control changed)",
        });
      });
    }
    return () => {
      controller.abort();
      rfb?.disconnect();
    };
  }, [taskId, interactive, attempt]);

  // The fallback: screenshots while there is no live view.
  useEffect(() => {
    if (view.kind !== "screenshots" || !fallback.current) return;
    const controller = new AbortController();
    pollScreenshots(fallback.current, controller.signal, setError);
    return () => controller.abort();
  }, [view.kind]);

  const live = view.kind === "live";
  // A picture when watching; an application (keys go to it) when the user has control.
  const screenRole = interactive
    ? { role: "application" as const, "aria-label": `${label} (you have control)` }
    : { role: "img" as const, "aria-label": `${label} (view only)` };
  const mode = interactive ? "you have control: click it to type and point" : "view only";
  const summary =
    view.kind === "checking"
      ? "Connecting to the desktop…"
      : view.kind === "live"
        ? view.connected
          ? `Live · ${mode}`
          : "Connecting to the live view…"
        : view.kind === "screenshots"
          ? `Screenshots every ${SCREENSHOT_EVERY_MS / 1000} s · ${interactive ? "you have control (send actions through the API)" : "view only"}`
          : "No desktop";

  return (
    <div class="vnc-view" data-view={view.kind} data-connected={live && view.connected ? "true" : "false"}>
      <div class="vnc-toolbar">
        <p class={`vnc-state ${live && view.connected ? "vnc-live" : ""}`} role="status">
          <span class="vnc-dot" aria-hidden="true" />
          {summary}
        </p>
        {view.kind === "screenshots" && status?.vnc.available !== false ? (
          <button type="button" class="button button-ghost" onClick={() => setAttempt((n) => n + 1)}>
            Reconnect live view
          </button>
        ) : null}
      </div>
      {view.kind === "screenshots" ? <p class="muted small vnc-reason">{view.reason}</p> : null}
      {view.kind === "unavailable" ? <ErrorNotice error={view.reason} /> : null}
      {error ? <ErrorNotice error={error} title="Screenshot failed:" /> : null}
      <div ref={screen} class="vnc-screen" hidden={view.kind === "screenshots" || view.kind === "unavailable"} {...screenRole} />
      <canvas
        ref={fallback}
        class="vnc-screenshot"
        hidden={view.kind !== "screenshots"}
        role="img"
        aria-label={`${label} (screenshot)`}
      />
    </div>
  );
}
