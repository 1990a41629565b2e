// Runtime-neutral: whether the configured X display answers, and its size (cached briefly).
import { HttpError } from "../http/errors";
import { type CommandContext, runCommand } from "./commands";

export type DesktopStatus =
  | { enabled: false; available: false; error: string }
  | { enabled: true; available: true; display: string; width: number; height: number }
  | { enabled: true; available: false; display: string; error: string };

export interface DisplayProbeOptions {
  enabled: boolean;
  /** How long an answer is reused: a good one for `okTtlMs`, a failure for `failTtlMs`. */
  okTtlMs?: number;
  failTtlMs?: number;
  now?: () => number;
}

/** The 503 message when computer use is switched off. */
export const DISABLED_MESSAGE =
  "Computer use is disabled: set DESKTOP_ENABLED=true and DISPLAY to an X display where the executor runs " +
  "(e.g. DISPLAY=:99 after `npm run desktop`)";

/**
 * Probes the display with `xdotool getdisplaygeometry` through the executor, so it tells the truth
 * wherever commands run (locally or on the sidecar). Answers are cached (10 s when good, 1 s when
 * not) so health checks and actions do not spawn a probe each; `invalidate()` forgets the answer
 * (an action found the display gone).
 *
 * @example
 * const probe = createDisplayProbe(ctx, { enabled: true });
 * const { width, height } = await probe.require(); // throws 503 when no display answers
 */
export function createDisplayProbe(ctx: CommandContext, options: DisplayProbeOptions) {
  const now = options.now ?? Date.now;
  const okTtlMs = options.okTtlMs ?? 10_000;
  const failTtlMs = options.failTtlMs ?? 1_000;
  let cached: { status: DesktopStatus; at: number } | undefined;
  let inFlight: Promise<DesktopStatus> | undefined;

  const probe = async (): Promise<DesktopStatus> => {
    try {
      const { stdout } = await runCommand(ctx, { command: "xdotool", args: ["getdisplaygeometry"] });
      const [width, height] = stdout.trim().split(/\s+/).map(Number);
      if (!Number.isInteger(width) || !Number.isInteger(height)) {
        return { enabled: true, available: false, display: ctx.display, error: `Unexpected display geometry: ${stdout.trim()}` };
      }
      return { enabled: true, available: true, display: ctx.display, width: width!, height: height! };
    } catch (error) {
      return { enabled: true, available: false, display: ctx.display, error: (error as Error).message };
    }
  };

  const status = async (): Promise<DesktopStatus> => {
    if (!options.enabled) return { enabled: false, available: false, error: DISABLED_MESSAGE };
    if (cached && now() - cached.at < (cached.status.available ? okTtlMs : failTtlMs)) return cached.status;
    inFlight ??= probe().then((answer) => {
      cached = { status: answer, at: now() };
      inFlight = undefined;
      return answer;
    });
    return inFlight;
  };

  return {
    status,
    /** The display's size; throws 503 (with what to do) when computer use is off or no display answers. */
    async require(): Promise<{ width: number; height: number }> {
      const current = await status();
      if (!current.available) throw new HttpError(503, current.error);
      return { width: current.width, height: current.height };
    },
    invalidate() {
      cached = undefined;
    },
  };
}

export type DisplayProbe = ReturnType<typeof createDisplayProbe>;
