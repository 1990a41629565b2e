// Node-only: starts a private X display (Xvfb) and, optionally, a window manager (openbox) on it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export interface DisplayOptions {
  /** Display number to use; with `scanFrom`, the first free one from there on. Default: scan from 50. */
  number?: number;
  scanFrom?: number;
  width?: number;
  height?: number;
  /** Start openbox too (wmctrl, and so the `application` action, need an EWMH window manager). */
  windowManager?: boolean;
  /** Upper bound on waiting for the display (and the window manager) to answer. Default 15 s. */
  timeoutMs?: number;
}

export interface RunningDisplay {
  /** e.g. ":50" */
  display: string;
  number: number;
  width: number;
  height: number;
  xvfb: ChildProcess;
  windowManager?: ChildProcess;
  /** Stops the window manager, then Xvfb (by pid), and waits for both to exit. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Whether display `n`'s lock file (written by Xvfb, holding its pid) is `pid`'s. */
function ownsLock(n: number, pid: number | undefined): boolean {
  try {
    return (
      pid !== undefined && Number(readFileSync(`/tmp/.X${n}-lock`, "utf8").trim()) === pid && existsSync(`/tmp/.X11-unix/X${n}`)
    );
  } catch {
    return false;
  }
}

const inUse = (n: number) => existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`);

/** Resolves with whether `command args` exited 0 (with DISPLAY set). */
function succeeds(command: string, args: string[], display: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...process.env, DISPLAY: display }, timeout: 2_000 }, (error) => resolve(!error));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function stopChild(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited(child);
  clearTimeout(killer);
}

/**
 * Starts `Xvfb :N -screen 0 WxHx24 -nolisten tcp -noreset` on the first display number from
 * `scanFrom` whose socket and lock file are free (several suites and people may run displays at
 * once; Xvfb's own lock settles a race), waits until it answers, and optionally starts openbox.
 *
 * @example
 * const x = await startDisplay({ scanFrom: 50, windowManager: true });
 * process.env.DISPLAY = x.display;
 * await x.stop();
 */
export async function startDisplay(options: DisplayOptions = {}): Promise<RunningDisplay> {
  const width = options.width ?? 1280;
  const height = options.height ?? 800;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const candidates =
    options.number !== undefined && options.scanFrom === undefined
      ? [options.number]
      : Array.from({ length: 200 }, (_, i) => (options.scanFrom ?? options.number ?? 50) + i);

  for (const number of candidates) {
    if (inUse(number)) continue;
    const display = `:${number}`;
    const xvfb = spawn("Xvfb", [display, "-screen", "0", `${width}x${height}x24`, "-nolisten", "tcp", "-noreset"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    xvfb.stderr?.on("data", (chunk) => (stderr += chunk));
    const spawnFailed = new Promise<Error>((resolve) => xvfb.once("error", resolve));
    const deadline = Date.now() + timeoutMs;
    let ready = false;
    while (Date.now() < deadline && xvfb.exitCode === null) {
      // Ours only if the lock names our pid: a concurrent Xvfb may hold this number (ours then exits).
      if (ownsLock(number, xvfb.pid) && (await succeeds("xdotool", ["getdisplaygeometry"], display))) {
        ready = true;
        break;
      }
      const failed = await Promise.race([spawnFailed, sleep(50).then(() => undefined)]);
      if (failed) throw new Error(`Could not start Xvfb (apt-get install xvfb): ${failed.message}`);
    }
    if (!ready) {
      await stopChild(xvfb);
      // Another Xvfb took this number between our check and its start: try the next one.
      if (/already active|server is already|cannot establish/i.test(stderr) && candidates.length > 1) continue;
      throw new Error(`Xvfb on ${display} did not come up within ${timeoutMs} ms: ${stderr.trim().slice(-500)}`);
    }
    let windowManager: ChildProcess | undefined;
    if (options.windowManager) {
      windowManager = spawn("openbox", ["--sm-disable"], { env: { ...process.env, DISPLAY: display }, stdio: "ignore" });
      while (!(await succeeds("wmctrl", ["-m"], display))) {
        if (Date.now() > deadline || windowManager.exitCode !== null) {
          await stopChild(windowManager);
          await stopChild(xvfb);
          throw new Error(`openbox did not start on ${display} (apt-get install openbox wmctrl)`);
        }
        await sleep(50);
      }
    }
    return {
      display,
      number,
      width,
      height,
      xvfb,
      windowManager,
      stop: async () => {
        await stopChild(windowManager);
        await stopChild(xvfb);
      },
    };
  }
  throw new Error(`No free X display number from :${candidates[0]} to :${candidates.at(-1)}`);
}
