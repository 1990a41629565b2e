// Node-only: runs agent CLIs as local child processes (node:child_process), each in its own process group.
import { type ChildProcess, spawn } from "node:child_process";
import { deferred } from "./deferred";
import { createCapture } from "./local-capture";
import { reapGroup, signalGroup } from "./local-group";
import { settleMessage } from "./settle-message";
import type { Executor, OutputChunk, ProcessHandle, ProcessResult, ProcessSpec, SettleReason } from "./types";

export { settleMessage } from "./settle-message";

export interface LocalExecutorOptions {
  /** SIGTERM → SIGKILL grace when the spec gives none. Default 1000 ms. */
  killGraceMs?: number;
  /**
   * After the leader exits, how long to wait for stdout/stderr to close before ending the group
   * anyway (a grandchild that inherited them would otherwise keep the run open). Default 1000 ms.
   */
  pipeGraceMs?: number;
  /** Upper bound on waiting for the group's processes to die after the final SIGKILL. Default 2000 ms. */
  reapTimeoutMs?: number;
}

type Stream = OutputChunk["stream"];

/** setTimeout fires at once for delays above 2^31-1 ms, so longer limits are clamped. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The local executor: one child process per run, spawned detached (its own process group) with an
 * argv array and no shell. Every way a run can end — exit, hard timeout, idle timeout, output cap,
 * cancel, spawn error — goes through one `settle`, so the result settles exactly once, and settling
 * also kills whatever is left of the group: no process of a run outlives it.
 * A hard or idle limit ≤ 0 disables that timer.
 *
 * @example
 * const executor = createLocalExecutor();
 * const handle = executor.run({
 *   command: "cursor-agent", args: ["--print", "hi"], cwd: "/repos/app",
 *   hardTimeoutMs: 1_800_000, idleTimeoutMs: 600_000, maxOutputBytes: 10_485_760,
 * });
 * handle.onOutput((chunk) => console.log(chunk.stream, chunk.text));
 * const { reason, exitCode, stdout } = await handle.result;
 */
export function createLocalExecutor(options: LocalExecutorOptions = {}): Executor {
  const defaults = {
    killGraceMs: options.killGraceMs ?? 1000,
    pipeGraceMs: options.pipeGraceMs ?? 1000,
    reapTimeoutMs: options.reapTimeoutMs ?? 2000,
  };
  return { run: (spec) => runLocal(spec, defaults) };
}

function runLocal(spec: ProcessSpec, defaults: Required<LocalExecutorOptions>): ProcessHandle {
  const startedAt = performance.now();
  const killGraceMs = spec.killGraceMs ?? defaults.killGraceMs;
  const listeners = new Set<(chunk: OutputChunk) => void>();
  const captures = {
    stdout: createCapture(spec.maxOutputBytes, spec.stdoutEncoding),
    stderr: createCapture(spec.maxOutputBytes),
  };
  const timers: Partial<Record<"hard" | "idle" | "kill" | "pipe", ReturnType<typeof setTimeout>>> = {};
  const { promise: result, resolve: resolveResult } = deferred<ProcessResult>();
  const { promise: started, resolve: resolveStarted } = deferred<number | undefined>();

  let child: ChildProcess | undefined;
  let settled = false;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Why we are ending the run; only recorded while the leader is still running. */
  let stopping: { reason: SettleReason; error: string | undefined } | undefined;

  const clearTimer = (name: keyof typeof timers) => {
    clearTimeout(timers[name]);
    delete timers[name];
  };

  const emit = (stream: Stream, text: string) => {
    if (!text) return;
    for (const listener of listeners) {
      try {
        listener({ stream, text });
      } catch {
        // A failing subscriber must not break the run or the other subscribers.
      }
    }
  };

  /** The single exit of every path. */
  const settle = (spawnError?: Error) => {
    if (settled) return;
    settled = true;
    resolveStarted(spawnError ? undefined : child?.pid); // no-op when already resolved at spawn
    for (const name of Object.keys(timers) as (keyof typeof timers)[]) clearTimer(name);
    spec.signal?.removeEventListener("abort", onAbort);
    // When settling on the pipe grace, grandchildren may still hold the pipes: stop reading them.
    child?.stdout?.destroy();
    child?.stderr?.destroy();
    child?.stdin?.destroy();
    emit("stdout", captures.stdout.end());
    emit("stderr", captures.stderr.end());

    const reason: SettleReason = spawnError ? "spawn_error" : (stopping?.reason ?? "exited");
    const error = spawnError ? `${settleMessage("spawn_error", spec)}: ${spawnError.message}` : stopping?.error;
    const outcome: ProcessResult = {
      exitCode: exit?.code ?? null,
      signal: exit?.signal ?? null,
      reason,
      durationMs: Math.round(performance.now() - startedAt),
      stdout: captures.stdout.text(),
      stderr: captures.stderr.text(),
      ...(error === undefined ? {} : { error }),
    };
    const finish = () => resolveResult(outcome);
    reapGroup(child?.pid, { timeoutMs: defaults.reapTimeoutMs }).then(finish, finish);
  };

  const stop = (reason: SettleReason, message?: string) => {
    if (settled) return;
    // Once the leader has exited the run is over as far as its result goes; we only clean up.
    if (!exit && !stopping) stopping = { reason, error: message ?? settleMessage(reason, spec) };
    clearTimer("hard");
    clearTimer("idle");
    if (timers.kill) return;
    signalGroup(child?.pid, "SIGTERM");
    timers.kill = setTimeout(() => signalGroup(child?.pid, "SIGKILL"), killGraceMs);
  };

  function onAbort() {
    stop("cancelled");
  }

  const handle: ProcessHandle = {
    get pid() {
      return child?.pid;
    },
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    result,
    started,
    stop,
  };

  if (spec.signal?.aborted) {
    stopping = { reason: "cancelled", error: settleMessage("cancelled", spec) };
    settle();
    return handle;
  }

  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      // "ignore" gives the child /dev/null: stdin is at EOF from the start (cursor-agent hangs on an open pipe).
      stdio: [spec.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      detached: true,
      shell: false,
      windowsHide: true,
    });
  } catch (error) {
    settle(error as Error);
    return handle;
  }
  // The pid is there synchronously when the spawn succeeded; without one, 'error' follows (ENOENT, bad cwd).
  resolveStarted(child.pid);

  // Runtime spawn failures (ENOENT, EACCES, bad cwd) arrive here on the next tick with no pid;
  // Node may emit 'exit'/'close' afterwards, which settle() then ignores.
  child.on("error", (error) => {
    if (child?.pid === undefined) settle(error);
  });
  child.on("exit", (code, signal) => {
    if (child?.pid === undefined) return;
    exit = { code, signal };
    clearTimer("hard");
    clearTimer("idle");
    // Normally 'close' follows at once. A grandchild that inherited stdout/stderr keeps them open
    // for as long as it lives, so after a short grace we end the whole group and settle anyway.
    timers.pipe = setTimeout(() => {
      signalGroup(child?.pid, "SIGKILL");
      settle();
    }, defaults.pipeGraceMs);
  });
  child.on("close", () => {
    if (child?.pid === undefined) settle(new Error("the process could not be started"));
    else settle();
  });

  const onData = (stream: Stream) => (chunk: Buffer) => {
    if (settled) return;
    timers.idle?.refresh();
    const { text, overflow } = captures[stream].push(chunk);
    emit(stream, text);
    if (overflow) stop("output_cap");
  };
  child.stdout?.on("data", onData("stdout"));
  child.stderr?.on("data", onData("stderr"));

  if (spec.stdin !== undefined && child.stdin) {
    // The child may exit without reading stdin; the resulting EPIPE is not our run's failure.
    child.stdin.on("error", () => {});
    child.stdin.end(spec.stdinEncoding === "base64" ? Buffer.from(spec.stdin, "base64") : spec.stdin);
  }

  if (spec.hardTimeoutMs > 0) {
    timers.hard = setTimeout(() => stop("timeout"), Math.min(spec.hardTimeoutMs, MAX_TIMER_MS));
  }
  // Counted from spawn, not from the first output (the original armed it only after output, §12.17):
  // a run that never prints anything is just as hung as one that stopped printing.
  if (spec.idleTimeoutMs > 0) {
    timers.idle = setTimeout(() => stop("idle"), Math.min(spec.idleTimeoutMs, MAX_TIMER_MS));
  }
  spec.signal?.addEventListener("abort", onAbort, { once: true });

  return handle;
}
