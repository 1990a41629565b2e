/**
 * The executor contract shared by the local (child process) and sidecar (HTTP) executors.
 * A run settles exactly once with a RunResult, whatever happens: spawn error, timeout, idle,
 * output cap, cancel or a normal exit.
 */

/**
 * `lost`: the runner lost contact with the process (a sidecar that stopped answering mid-run).
 * `ended_after_result`: the agent had reported its result but lingered, so we ended its group.
 */
export type SettleReason =
  | "exited"
  | "ended_after_result"
  | "timeout"
  | "idle"
  | "output_cap"
  | "cancelled"
  | "spawn_error"
  | "lost";

/** Environment variable every agent process carries, naming its run, so an orphan can be recognised. */
export const RUN_ID_ENV = "CURSOR_RUNNER_RUN_ID";

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  /** Full environment for the child (callers merge with process.env themselves). */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. Without it stdin is closed at once (cursor-agent hangs on an open pipe). */
  stdin?: string;
  /** How `stdin` is given: UTF-8 text (the default) or base64 of the bytes to write (binary input, e.g. a file's content). */
  stdinEncoding?: StreamEncoding;
  /**
   * How stdout is captured: decoded as UTF-8 text (the default), or as base64 of the raw bytes
   * (binary output such as a PNG). With base64, every stdout chunk is base64 of whole 3-byte
   * groups, so the chunks concatenate into the result's `stdout`. stderr is always UTF-8 text.
   */
  stdoutEncoding?: StreamEncoding;
  /** Wall-clock limit. */
  hardTimeoutMs: number;
  /** Limit on silence: time since the last byte on stdout or stderr (counted from spawn). */
  idleTimeoutMs: number;
  /** Cap on the bytes kept for each of stdout and stderr; exceeding it kills the run (reason output_cap). */
  maxOutputBytes: number;
  /** Aborting it cancels the run (reason cancelled). */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL to the process group. Default 1000 ms. */
  killGraceMs?: number;
}

/** How a stream's bytes travel as a string: UTF-8 text, or base64 for binary data. */
export type StreamEncoding = "utf8" | "base64";

export interface OutputChunk {
  stream: "stdout" | "stderr";
  /** UTF-8 text of the chunk (multi-byte characters are never split across chunks); base64 with `stdoutEncoding: "base64"`. */
  text: string;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  reason: SettleReason;
  durationMs: number;
  /** Captured output, at most maxOutputBytes (raw bytes) each; stdout is base64 with `stdoutEncoding: "base64"`. */
  stdout: string;
  stderr: string;
  /** Human-readable cause for every reason but `exited` (e.g. "Command timeout after 5000ms"). */
  error?: string;
}

export interface ProcessHandle {
  /** Undefined when the spawn failed, and until the process is known to be spawned (sidecar: until it answers). */
  readonly pid: number | undefined;
  /**
   * Resolves with the pid once the process is spawned, or undefined when it was not (spawn failed,
   * cancelled first). Never rejects. Optional: callers fall back to `pid`.
   */
  readonly started?: Promise<number | undefined>;
  /** Live output, in order. Listeners added after a chunk was emitted do not see it. */
  onOutput(listener: (chunk: OutputChunk) => void): () => void;
  /** Settles exactly once. Never rejects. */
  readonly result: Promise<ProcessResult>;
  /**
   * Ends the run: SIGTERM to the whole process group, SIGKILL after the grace period.
   * `reason` is reported unless the process already exited. `ended_after_result` is used when the
   * agent already reported completion and only lingers (cursor-agent's known defect).
   */
  stop(reason: SettleReason, message?: string): void;
}

export interface Executor {
  run(spec: ProcessSpec): ProcessHandle;
  /**
   * Ends what is left of a run whose runner died (its process group, identified by the run id in
   * the processes' environment, RUN_ID_ENV). `pid` is the run's recorded pid, when the runner got
   * to record one. Resolves with whether anything was ended. Optional: executors that cannot reach
   * the processes omit it.
   */
  reapOrphan?(runId: string, pid?: number): Promise<boolean>;
}
