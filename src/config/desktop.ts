import { z } from "zod";
import { type ApplicationTable, DEFAULT_APPLICATIONS } from "../desktop/applications";
import { toKeysym } from "../desktop/keys";
import { type BuildContext, ConfigError, type EnvValues, flag, int, joinPath, text } from "./parse";

/** A number in (0, 1]. */
const fraction = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = Number(raw.trim());
      if (!Number.isFinite(value) || value <= 0 || value > 1) {
        ctx.addIssue({ code: "custom", message: `expects a number above 0 and at most 1 (e.g. 0.5), got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });

const applicationEntry = z.object({
  command: z.array(z.string().min(1)).min(1),
  wmClass: z.string().min(1),
});

/** JSON object of name → {command, wmClass} (or null to remove a default), merged over Bytebot's table. */
const applications = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx): ApplicationTable => {
      if (raw === undefined) return DEFAULT_APPLICATIONS;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `expects JSON such as {"terminal":{"command":["xterm"],"wmClass":"xterm.XTerm"}} (${(error as Error).message})`,
        });
        return z.NEVER;
      }
      const table = z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i), applicationEntry.nullable()).safeParse(parsed);
      if (!table.success) {
        const issue = table.error.issues[0];
        ctx.addIssue({
          code: "custom",
          message: `expects an object of name → {"command": [argv...], "wmClass": "instance.Class"} or null (${issue?.path.join(".")}: ${issue?.message})`,
        });
        return z.NEVER;
      }
      const merged: ApplicationTable = { ...DEFAULT_APPLICATIONS };
      for (const [name, entry] of Object.entries(table.data)) {
        if (entry === null) delete merged[name];
        else merged[name] = entry;
      }
      return merged;
    });

/** xdotool key syntax (ctrl+v) whose parts are all known key names. */
const pasteKeys = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const parts = (raw ?? "ctrl+v").split("+").map((part) => part.trim());
      const keysyms = parts.map((part) => toKeysym(part));
      const unknown = parts.find((_, i) => keysyms[i] === undefined);
      if (unknown !== undefined) {
        ctx.addIssue({
          code: "custom",
          message: `expects keys joined by + such as ctrl+v or shift+Insert (unknown key "${unknown}")`,
        });
        return z.NEVER;
      }
      return keysyms.join("+");
    });

/** Computer use (issue 12): the X display, the files root, limits and the application table. */
export const desktopEnv = {
  DESKTOP_ENABLED: flag(false),
  DISPLAY: text(),
  DESKTOP_FILES_ROOT: text(),
  DESKTOP_MAX_FILE_BYTES: int("bytes", 5 * 1024 * 1024, 1, 64 * 1024 * 1024),
  DESKTOP_ACTION_TIMEOUT_MS: int("milliseconds", 10_000, 100, 600_000),
  DESKTOP_SCREENSHOT_SCALE: fraction(1),
  DESKTOP_APPLICATIONS: applications(),
  DESKTOP_APPLICATION_WAIT_MS: int("milliseconds", 10_000, 0, 120_000),
  DESKTOP_CLIPBOARD_TTL_MS: int("milliseconds", 600_000, 1_000),
  DESKTOP_PASTE_KEYS: pasteKeys(),
};

/**
 * Off unless DESKTOP_ENABLED=true: an X display being around (DISPLAY is set in every desktop
 * session) is no reason to let an HTTP API drive it. When on, DISPLAY is required — it names the
 * display where the executor runs its commands (this host, or the sidecar's).
 */
export function desktopConfig(e: EnvValues<typeof desktopEnv>, { cwd }: BuildContext) {
  if (e.DESKTOP_ENABLED && !e.DISPLAY) {
    throw new ConfigError("Invalid configuration: DISPLAY is required when DESKTOP_ENABLED=true (e.g. DISPLAY=:99)");
  }
  return {
    desktop: {
      enabled: e.DESKTOP_ENABLED,
      display: e.DISPLAY ?? "",
      filesRoot: joinPath(cwd, e.DESKTOP_FILES_ROOT ?? "desktop"),
      maxFileBytes: e.DESKTOP_MAX_FILE_BYTES,
      actionTimeoutMs: e.DESKTOP_ACTION_TIMEOUT_MS,
      screenshotScale: e.DESKTOP_SCREENSHOT_SCALE,
      applications: e.DESKTOP_APPLICATIONS,
      applicationWaitMs: e.DESKTOP_APPLICATION_WAIT_MS,
      clipboardTtlMs: e.DESKTOP_CLIPBOARD_TTL_MS,
      pasteKeys: e.DESKTOP_PASTE_KEYS,
    },
  };
}

export type DesktopConfig = ReturnType<typeof desktopConfig>["desktop"];
