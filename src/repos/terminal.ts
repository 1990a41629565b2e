// Node-only: spawns child processes.
import { spawn } from "node:child_process";
import { HttpError } from "../http/errors";
import { type CommandPolicy, checkCommand } from "./command-policy";

export interface TerminalOptions extends CommandPolicy {
  /** TERMINAL_COMMAND_TIMEOUT. */
  timeoutMs: number;
  /** TERMINAL_MAX_OUTPUT_SIZE, applied to stdout and to stderr separately. */
  maxOutputBytes: number;
  /** Time between SIGTERM and SIGKILL to the process group (default 1000 ms). */
  killGraceMs?: number;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
}

export interface CommandResult {
  success: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface Terminal {
  run(command: string, args?: string[], options?: RunOptions): Promise<CommandResult>;
}

/**
 * §10.8's terminal service, bounded: no shell, allow/deny lists on the executable name, a timeout
 * and a byte cap on each stream. The child gets its own process group, and timeout or cap kill
 * the whole group (SIGTERM, then SIGKILL), so grandchildren cannot hold the pipes open.
 *
 * @example
 * const terminal = createTerminal({ timeoutMs: 300_000, maxOutputBytes: 10 * 1024 * 1024, blocked: ["rm"] });
 * const { success, stdout } = await terminal.run("git", ["status"], { cwd: repoDir });
 */
export function createTerminal(options: TerminalOptions): Terminal {
  return {
    run: async (command, args = [], runOptions = {}) => {
      checkCommand(command, options);
      return runProcess(command, args, options, runOptions);
    },
  };
}

function runProcess(command: string, args: string[], options: TerminalOptions, run: RunOptions): Promise<CommandResult> {
  const timeoutMs = run.timeoutMs ?? options.timeoutMs;
  const cap = options.maxOutputBytes;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: run.cwd ?? process.cwd(),
      env: run.env ?? process.env,
      shell: false,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const streams = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const sizes = { stdout: 0, stderr: 0 };
    let failure: HttpError | undefined;
    let killTimer: ReturnType<typeof setTimeout> | undefined;

    const stop = (error: HttpError) => {
      if (failure) return;
      failure = error;
      signalGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), options.killGraceMs ?? 1000);
      killTimer.unref();
    };
    const timer = setTimeout(
      () => stop(new HttpError(504, `Command timeout after ${timeoutMs}ms`, { extra: { timedOut: true } })),
      timeoutMs,
    );

    for (const name of ["stdout", "stderr"] as const) {
      child[name].on("data", (chunk: Buffer) => {
        if (failure) return;
        sizes[name] += chunk.byteLength;
        if (sizes[name] > cap) return stop(new HttpError(502, `Output size exceeded limit: ${cap} bytes`));
        streams[name].push(chunk);
      });
    }
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      failure ??= new HttpError(502, `Could not start ${command}: ${error.code ?? error.message}`, { cause: error });
      reject(failure);
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (failure) return reject(failure);
      resolve({
        success: exitCode === 0,
        exitCode,
        stdout: Buffer.concat(streams.stdout).toString("utf8").trim(),
        stderr: Buffer.concat(streams.stderr).toString("utf8").trim(),
      });
    });
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
