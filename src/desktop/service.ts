// Runtime-neutral: the desktop service — validated actions → X11 tools through the Executor.
import type { DesktopConfig } from "../config/desktop";
import type { Executor } from "../exec/types";
import { HttpError } from "../http/errors";
import type { Logger } from "../log";
import type { ActionName, ComputerAction, Coordinates } from "./actions";
import { createApplications } from "./applications";
import { parseMouseLocation, pngSize, screenshotArgs } from "./capture";
import { createClipboard } from "./clipboard";
import { type CommandContext, runCommand } from "./commands";
import { createDisplayProbe, type DesktopStatus, DISABLED_MESSAGE } from "./display";
import { createFiles } from "./files";
import { createInput, sleep } from "./input";
import { DEFAULT_TYPE_DELAY_MS } from "./limits";
import type { ActionContext, ActionRecord, ActionRecorder, ActionResult, ScreenshotResult } from "./results";
import * as xdotool from "./xdotool";

export type { ActionContext, ActionRecord, ActionRecorder, ActionResult, ScreenshotResult } from "./results";

export interface DesktopOptions {
  config: DesktopConfig;
  executor: Executor;
  /** The environment commands run with (secrets already removed); DISPLAY is set on top. */
  env: Record<string, string | undefined>;
  log: Logger;
  onAction?: ActionRecorder;
  /** Checked before an action that names a task (throws to refuse it: the task is not the user's to drive). */
  guard?: (taskId: string) => Promise<void>;
}

/** Every point an action names, with the field path a 400 should name. */
function pointsOf(action: ComputerAction): [string, Coordinates][] {
  if ("path" in action && Array.isArray(action.path)) return action.path.map((point, i) => [`path.${i}`, point]);
  if ("coordinates" in action && action.coordinates) return [["coordinates", action.coordinates]];
  return [];
}

/**
 * The desktop: runs Bytebot's 16 actions as real X11 tools (xdotool, ImageMagick import, xclip,
 * xmodmap, wmctrl, coreutils) through the Executor, so the same code drives a local display or the
 * sidecar's. Input actions run one at a time (a type_text owns the scratch keycodes while it types);
 * screenshots, pointer position, files and waits do not queue behind them.
 *
 * @example
 * const desktop = createDesktop({ config: config.desktop, executor, env: process.env, log });
 * await desktop.run({ action: "click_mouse", button: "left", clickCount: 1, coordinates: { x: 10, y: 10 } }, { source: "http" });
 * const { image } = await desktop.screenshot();
 */
export function createDesktop(options: DesktopOptions) {
  const { config, log } = options;
  const ctx: CommandContext = {
    executor: options.executor,
    env: { ...options.env, DISPLAY: config.display },
    cwd: config.filesRoot,
    timeoutMs: config.actionTimeoutMs,
    display: config.display,
  };
  const probe = createDisplayProbe(ctx, { enabled: config.enabled });
  const clipboard = createClipboard(ctx, { ttlMs: config.clipboardTtlMs });
  const files = createFiles(ctx, { root: config.filesRoot, maxBytes: config.maxFileBytes });
  const apps = createApplications(ctx, { table: config.applications, windowWaitMs: config.applicationWaitMs });

  const { exclusive, input, typeText } = createInput(ctx, log);

  /** Any command finding the display gone makes the next request probe again. */
  const watched = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof HttpError && error.status === 503) probe.invalidate();
      throw error;
    }
  };

  const requireEnabled = () => {
    if (!config.enabled) throw new HttpError(503, DISABLED_MESSAGE);
  };

  const screenshot = async (scale = config.screenshotScale, signal?: AbortSignal): Promise<ScreenshotResult> => {
    requireEnabled();
    await probe.require();
    const { stdout } = await watched(() =>
      runCommand(ctx, {
        command: "import",
        args: screenshotArgs(scale),
        stdoutEncoding: "base64",
        maxOutputBytes: 64 * 1024 * 1024,
        signal,
      }),
    );
    return { image: stdout, ...pngSize(stdout) };
  };

  const checkOnScreen = (action: ComputerAction, screen: { width: number; height: number }) => {
    for (const [field, point] of pointsOf(action)) {
      if (point.x >= screen.width || point.y >= screen.height) {
        throw new HttpError(
          400,
          `${field}: (${point.x}, ${point.y}) is off the screen, which is ${screen.width}×${screen.height} pixels ` +
            `(x must be below ${screen.width}, y below ${screen.height})`,
        );
      }
    }
  };

  const execute = async (action: ComputerAction, signal?: AbortSignal): Promise<ActionResult> => {
    requireEnabled();
    switch (action.action) {
      case "wait":
        await sleep(action.duration, signal);
        return { success: true };
      case "read_file":
        return files.read(action.path);
      case "write_file":
        return files.write(action.path, action.data);
      case "screenshot":
        return screenshot(action.scale, signal);
      default:
        break;
    }
    const screen = await probe.require();
    checkOnScreen(action, screen);
    const ok = { success: true } as const;
    return watched(() => {
      switch (action.action) {
        case "cursor_position":
          return runCommand(ctx, { command: "xdotool", args: ["getmouselocation", "--shell"], signal }).then(({ stdout }) =>
            parseMouseLocation(stdout),
          );
        case "move_mouse":
          return exclusive(signal, () => input(xdotool.moveMouse(action), signal)).then(() => ok);
        case "trace_mouse":
          return exclusive(signal, () => input(xdotool.traceMouse(action), signal)).then(() => ok);
        case "click_mouse":
          return exclusive(signal, () => input(xdotool.clickMouse(action), signal)).then(() => ok);
        case "press_mouse":
          return exclusive(signal, () => input(xdotool.pressMouse(action), signal)).then(() => ok);
        case "drag_mouse":
          return exclusive(signal, () => input(xdotool.dragMouse(action), signal)).then(() => ok);
        case "scroll":
          return exclusive(signal, () => input(xdotool.scroll(action), signal)).then(() => ok);
        case "type_keys":
          return exclusive(signal, () => input(xdotool.typeKeys(action), signal)).then(() => ok);
        case "press_keys":
          return exclusive(signal, () => input(xdotool.pressKeys(action), signal)).then(() => ok);
        case "type_text":
          return exclusive(signal, () => typeText(action.text, action.delay ?? DEFAULT_TYPE_DELAY_MS, signal)).then(() => ok);
        case "paste_text":
          return exclusive(signal, async () => {
            await clipboard.set(action.text);
            const keys = config.pasteKeys.split("+");
            await input({ args: ["key", config.pasteKeys], heldKeys: keys, heldButtons: [], expectedMs: 0 }, signal);
          }).then(() => ok);
        case "application":
          return exclusive(signal, () => apps.open(action.application));
        default:
          throw new HttpError(400, `Unknown action: ${(action as { action: string }).action}`);
      }
    });
  };

  const record = async (entry: ActionRecord) => {
    if (!options.onAction) return;
    try {
      await options.onAction(entry);
    } catch (error) {
      log.error({ err: error, action: entry.action.action, taskId: entry.taskId }, "The desktop action recorder failed");
    }
  };

  return {
    /** Runs one validated action; throws HttpError (503 when off or no display, 400 off-screen, 5xx tool failures). */
    async run(action: ComputerAction, context: ActionContext): Promise<ActionResult> {
      const started = Date.now();
      const base = { action, source: context.source, taskId: context.taskId, startedAt: new Date(started).toISOString() };
      try {
        if (context.taskId && options.guard) await options.guard(context.taskId);
        const result = await execute(action, context.signal);
        await record({ ...base, durationMs: Date.now() - started, result });
        return result;
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        await record({ ...base, durationMs: Date.now() - started, error: { status, message: (error as Error).message } });
        throw error;
      }
    },

    /** Whether computer use is on and the display answers (for GET /health/queue). */
    status: (): Promise<DesktopStatus> => probe.status(),

    /** Application names the `application` action accepts. */
    applications: () => apps.names(),

    /** Ends the clipboard owner (shutdown). */
    close: () => clipboard.close(),

    enabled: config.enabled,
  };
}

export type Desktop = ReturnType<typeof createDesktop>;
export type { ActionName };
