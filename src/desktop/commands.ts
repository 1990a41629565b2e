// Runtime-neutral: runs one desktop command (argv only, never a shell string) through the Executor
// and turns every way it can fail into an HttpError a person can act on.
import type { Executor, ProcessResult, StreamEncoding } from "../exec/types";
import { HttpError } from "../http/errors";

/** What every desktop command shares: where and how it runs. */
export interface CommandContext {
  executor: Executor;
  /** Environment of the command (the base environment without secrets, plus DISPLAY). */
  env: Record<string, string | undefined>;
  /** Working directory (DESKTOP_FILES_ROOT: it must exist where the executor runs). */
  cwd: string;
  /** DESKTOP_ACTION_TIMEOUT_MS: every command's limit, on top of its own expected duration. */
  timeoutMs: number;
  /** The display, for messages. */
  display: string;
}

export interface Command {
  command: string;
  args: string[];
  stdin?: string;
  stdinEncoding?: StreamEncoding;
  stdoutEncoding?: StreamEncoding;
  /** Cap on stdout (raw bytes). Default 1 MiB. */
  maxOutputBytes?: number;
  /** Time the command is expected to take by design (delays, sleeps), added to the timeout. */
  expectedMs?: number;
  /** Cancels the command (the HTTP request went away). */
  signal?: AbortSignal;
}

/** Debian package of each tool, for "install it" hints. */
const PACKAGES: Record<string, string> = {
  xdotool: "xdotool",
  import: "imagemagick",
  xclip: "xclip",
  wmctrl: "wmctrl",
  xmodmap: "x11-xserver-utils",
  setsid: "util-linux",
};

const DISPLAY_ERRORS = /can't open display|cannot open display|unable to open display|failed creating new xdo instance/i;

/** Starts a command; its result settles once (the executor's guarantee) and never rejects. */
export function startCommand(ctx: CommandContext, cmd: Command) {
  return ctx.executor.run({
    command: cmd.command,
    args: cmd.args,
    cwd: ctx.cwd,
    env: ctx.env,
    stdin: cmd.stdin,
    stdinEncoding: cmd.stdinEncoding,
    stdoutEncoding: cmd.stdoutEncoding,
    hardTimeoutMs: ctx.timeoutMs + (cmd.expectedMs ?? 0),
    idleTimeoutMs: 0,
    maxOutputBytes: cmd.maxOutputBytes ?? 1024 * 1024,
    killGraceMs: 200,
    signal: cmd.signal,
  });
}

/**
 * Runs `cmd` to completion; resolves with its result when it exited 0, throws an HttpError otherwise:
 * 503 when the display or the tool is missing (saying what to install or set), 504 on a timeout,
 * 413 when the output passed its cap, 502 when the tool itself failed.
 *
 * @example
 * const { stdout } = await runCommand(ctx, { command: "xdotool", args: ["getmouselocation", "--shell"] });
 */
export async function runCommand(ctx: CommandContext, cmd: Command): Promise<ProcessResult> {
  const result = await startCommand(ctx, cmd).result;
  const failure = describeFailure(ctx, cmd, result);
  if (failure) throw failure;
  return result;
}

/** The HttpError for a command's result, or undefined when it succeeded. */
export function describeFailure(ctx: CommandContext, cmd: Pick<Command, "command" | "maxOutputBytes">, result: ProcessResult) {
  const name = cmd.command;
  const stderr = result.stderr.trim();
  switch (result.reason) {
    case "exited":
      if (result.exitCode === 0) return undefined;
      if (DISPLAY_ERRORS.test(stderr)) return noDisplay(ctx.display, stderr);
      return new HttpError(502, `${name} failed (exit ${result.exitCode}): ${firstLine(stderr) || "no error output"}`);
    case "spawn_error":
      return cannotStart(ctx, name, result.error ?? "");
    case "timeout":
      return new HttpError(
        504,
        `${name} did not finish in time (${result.error}; DESKTOP_ACTION_TIMEOUT_MS is ${ctx.timeoutMs})`,
      );
    case "output_cap":
      return new HttpError(413, `${name} produced more than ${cmd.maxOutputBytes ?? 1024 * 1024} bytes`);
    case "cancelled":
      return new HttpError(409, `${name} was cancelled (the request was aborted)`);
    default:
      return new HttpError(503, `${name} could not be run: ${result.error ?? result.reason}`);
  }
}

/** 503 for a DISPLAY nothing answers on. */
export function noDisplay(display: string, detail: string): HttpError {
  return new HttpError(
    503,
    `No X display answers at DISPLAY=${display} (${firstLine(detail)}): start one there (\`npm run desktop\` starts Xvfb ` +
      "and openbox) or set DISPLAY to a running display",
  );
}

function cannotStart(ctx: CommandContext, name: string, error: string): HttpError {
  if (/sidecar/i.test(error)) {
    // The sidecar refused (cwd outside SIDECAR_ROOT, command not allowed) or is unreachable.
    return new HttpError(
      503,
      `${error}. Desktop commands run in DESKTOP_FILES_ROOT (${ctx.cwd}), which must exist on the sidecar ` +
        "host inside its SIDECAR_ROOT; SIDECAR_ALLOWED_COMMANDS (if set) must list the desktop tools",
    );
  }
  const pkg = PACKAGES[name] ?? "coreutils";
  return new HttpError(
    503,
    `${name} could not be started where desktop commands run (${error}): install the Debian package ${pkg} ` +
      `there, and check that DESKTOP_FILES_ROOT (${ctx.cwd}) exists`,
  );
}

const firstLine = (text: string) => text.split("\n")[0]?.slice(0, 300) ?? "";
