// Runtime-neutral: the sidecar's wire format, shared by the sidecar app and the sidecar executor.
import { z } from "zod";
import type { ProcessResult, SettleReason, StreamEncoding } from "../exec/types";

const REASONS = [
  "exited",
  "ended_after_result",
  "timeout",
  "idle",
  "output_cap",
  "cancelled",
  "spawn_error",
  "lost",
] as const satisfies readonly SettleReason[];

const ENCODINGS = ["utf8", "base64"] as const satisfies readonly StreamEncoding[];

const millis = (what: string) =>
  z
    .number({ error: `${what} must be a number of milliseconds` })
    .int()
    .min(0);

/** POST /v1/processes: a ProcessSpec without its AbortSignal (cancel with POST …/stop instead). */
export const createProcessBody = z.object({
  command: z.string({ error: "command is required" }).min(1, "command must not be empty"),
  args: z.array(z.string(), { error: "args must be an array of strings" }).max(10_000),
  cwd: z.string({ error: "cwd is required" }).startsWith("/", "cwd must be an absolute path"),
  env: z.record(z.string(), z.string(), { error: "env must map names to strings" }).optional(),
  stdin: z.string().optional(),
  stdinEncoding: z.enum(ENCODINGS, { error: `stdinEncoding must be one of ${ENCODINGS.join(", ")}` }).optional(),
  stdoutEncoding: z.enum(ENCODINGS, { error: `stdoutEncoding must be one of ${ENCODINGS.join(", ")}` }).optional(),
  hardTimeoutMs: millis("hardTimeoutMs"),
  idleTimeoutMs: millis("idleTimeoutMs"),
  maxOutputBytes: z.number({ error: "maxOutputBytes must be a number of bytes" }).int().min(1),
  killGraceMs: millis("killGraceMs").optional(),
});
export type CreateProcessBody = z.infer<typeof createProcessBody>;

/** POST /v1/processes/:id/stop */
export const stopProcessBody = z.object({
  reason: z.enum(REASONS, { error: `reason must be one of ${REASONS.join(", ")}` }),
  message: z.string().max(10_000).optional(),
});

/**
 * POST /v1/orphans/reap: ends the processes of a run whose runner died — those the sidecar started
 * with CURSOR_RUNNER_RUN_ID=`runId` in their environment and, failing that, the process group `pid`
 * when one of its members carries that variable (a process the sidecar no longer tracks).
 */
export const reapRunBody = z.object({
  runId: z.string({ error: "runId is required" }).min(1, "runId must not be empty").max(200),
  pid: z.number({ error: "pid must be a number" }).int().min(2).optional(),
});

/** 200 answer of POST /v1/orphans/reap: whether anything was ended, and the ids of the tracked processes stopped. */
export interface ReapedRun {
  reaped: boolean;
  processes: string[];
}

/** Offsets (in UTF-16 code units, as JS strings count) of output the client already has. */
export const streamQuery = z.object({
  stdout: z.coerce.number().int().min(0).default(0),
  stderr: z.coerce.number().int().min(0).default(0),
});

/** One line of GET /v1/processes/:id/stream (NDJSON), or one SSE event named after `type`. */
export type StreamEvent =
  | { type: "output"; stream: "stdout" | "stderr"; text: string }
  /** Keeps idle connections (and proxies, and undici's body timeout) from giving up on a quiet run. */
  | { type: "ping" }
  | { type: "result"; result: ProcessResult };

/** GET /v1/processes/:id; `result` is there once the process has settled. */
export interface ProcessStatus {
  id: string;
  pid: number | null;
  command: string;
  state: "running" | "finished";
  startedAt: string;
  finishedAt: string | null;
  result?: ProcessResult;
}

/** 201 answer of POST /v1/processes. */
export interface CreatedProcess {
  id: string;
  pid: number | null;
}
