// Runtime-neutral: the `application` action (B§4.2) over a configurable command table, with wmctrl.
import { HttpError } from "../http/errors";
import { type CommandContext, runCommand } from "./commands";

/** How to start an application and how to recognise its windows (wmctrl -lx's WM_CLASS column). */
export interface ApplicationEntry {
  command: string[];
  /** "instance.Class", or just the class or instance. */
  wmClass: string;
}

export type ApplicationTable = Record<string, ApplicationEntry>;

/** Bytebot's table (B§4.2), with its Debian commands. `desktop` is built in: it shows the desktop. */
export const DEFAULT_APPLICATIONS: ApplicationTable = {
  firefox: { command: ["firefox-esr"], wmClass: "Navigator.firefox-esr" },
  "1password": { command: ["1password"], wmClass: "1password.1Password" },
  thunderbird: { command: ["thunderbird"], wmClass: "Mail.thunderbird" },
  vscode: { command: ["code"], wmClass: "code.Code" },
  terminal: { command: ["xfce4-terminal"], wmClass: "xfce4-terminal.Xfce4-Terminal" },
  directory: { command: ["thunar"], wmClass: "Thunar" },
};

export interface ApplicationResult {
  success: true;
  application: string;
  /** What happened: an open window was activated and maximised, the app was launched (and its window found), or the desktop shown. */
  state: "activated" | "launched" | "shown";
  /** The window (hex id as wmctrl prints it), when one was found. */
  window?: string;
}

/**
 * The launcher: the app runs detached from the executor's process group (`setsid -f`) with its
 * stdio on /dev/null, so it outlives the request and never writes into a closed pipe. The one-line
 * `sh -c` script is constant — the command and its arguments travel as positional parameters
 * ("$@"), never inside the script.
 */
const LAUNCHER = ["-f", "sh", "-c", 'exec "$@" </dev/null >/dev/null 2>&1', "desktop-launch"];

export interface ApplicationsOptions {
  table: ApplicationTable;
  /** How long to wait for a launched application's window (then it is maximised). */
  windowWaitMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `wmctrl -lx` lines → [window id, WM_CLASS]. */
export function listWindows(output: string): { id: string; wmClass: string }[] {
  return output
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 3 && cols[0]!.startsWith("0x"))
    .map((cols) => ({ id: cols[0]!, wmClass: cols[2]! }));
}

/** Whether a WM_CLASS column ("instance.Class") is the configured class. */
export function classMatches(column: string, wmClass: string): boolean {
  return column === wmClass || column.endsWith(`.${wmClass}`) || column.startsWith(`${wmClass}.`);
}

/**
 * Opens or raises applications by name.
 *
 * @example
 * const apps = createApplications(ctx, { table: DEFAULT_APPLICATIONS, windowWaitMs: 10_000 });
 * await apps.open("terminal"); // { success: true, application: "terminal", state: "launched", window: "0x00a00003" }
 */
export function createApplications(ctx: CommandContext, options: ApplicationsOptions) {
  const names = () => ["desktop", ...Object.keys(options.table)];

  const windows = async () => {
    try {
      return listWindows((await runCommand(ctx, { command: "wmctrl", args: ["-l", "-x"] })).stdout);
    } catch (error) {
      if (error instanceof HttpError && error.status === 502) {
        throw new HttpError(
          503,
          `The application action needs a window manager on DISPLAY=${ctx.display} (${error.message}); ` +
            "start one such as openbox (`npm run desktop` does)",
        );
      }
      throw error;
    }
  };

  /** The launcher cannot report a missing command (it has detached by then): look it up first. */
  const requireInstalled = async (command: string) => {
    try {
      await runCommand(ctx, { command: "sh", args: ["-c", 'command -v "$1" >/dev/null', "desktop-which", command] });
    } catch {
      throw new HttpError(
        503,
        `${command} is not installed where desktop commands run: install it, or point this application at another command with DESKTOP_APPLICATIONS`,
      );
    }
  };

  const find = async (wmClass: string) => (await windows()).find((w) => classMatches(w.wmClass, wmClass));

  const maximise = async (id: string) => {
    await runCommand(ctx, { command: "wmctrl", args: ["-i", "-a", id] });
    await runCommand(ctx, { command: "wmctrl", args: ["-i", "-r", id, "-b", "add,maximized_vert,maximized_horz"] });
  };

  return {
    names,

    async open(application: string): Promise<ApplicationResult> {
      if (application === "desktop") {
        await runCommand(ctx, { command: "wmctrl", args: ["-k", "on"] });
        return { success: true, application, state: "shown" };
      }
      const entry = Object.hasOwn(options.table, application) ? options.table[application] : undefined;
      if (!entry) throw new HttpError(400, `Unknown application: ${application} (configured: ${names().join(", ")})`);
      const open = await find(entry.wmClass);
      if (open) {
        await maximise(open.id);
        return { success: true, application, state: "activated", window: open.id };
      }
      await requireInstalled(entry.command[0]!);
      await runCommand(ctx, { command: "setsid", args: [...LAUNCHER, ...entry.command] });
      const deadline = Date.now() + options.windowWaitMs;
      while (Date.now() < deadline) {
        const window = await find(entry.wmClass);
        if (window) {
          await maximise(window.id);
          return { success: true, application, state: "launched", window: window.id };
        }
        await sleep(100);
      }
      return { success: true, application, state: "launched" };
    },
  };
}

export type Applications = ReturnType<typeof createApplications>;
