// Runtime-neutral: runs processes on a sidecar runner over HTTP (fetch only; no node:* imports).

import { deferred } from "./deferred";
import { createSidecarClient, SidecarRefusal } from "./sidecar-client";
import type { Executor, OutputChunk, ProcessHandle, ProcessResult, ProcessSpec, SettleReason } from "./types";

export interface SidecarExecutorOptions {
  /** The sidecar's base URL, e.g. http://sidecar:3002 */
  url: string;
  /** Its SIDECAR_TOKEN. */
  token: string;
  fetch?: typeof fetch;
  /** Reconnects to a dropped event stream before falling back to polling. Default 5. */
  reconnects?: number;
  /** First reconnect delay, doubled each time up to 2 s. Default 100 ms. */
  retryDelayMs?: number;
  /** Polling interval once the stream cannot be had. Default 1000 ms. */
  pollMs?: number;
  /** How long polling may keep failing before the run is given up as lost. Default 30 s. */
  lostAfterMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The sidecar executor: the same contract as the local one, with the process running on a sidecar
 * (src/node/sidecar.ts), which applies the limits and kills process groups. Output arrives over an
 * NDJSON stream; a dropped stream is resumed from the offsets already seen (bounded retries),
 * then the status is polled. Every path ends in one `settle`, so the result settles exactly once
 * and never rejects. `pid` is the sidecar host's pid, known once the sidecar has answered (`started`).
 * A sidecar that stops answering mid-run settles it as `lost`. `reapOrphan` asks the sidecar to end
 * the processes of a run whose runner died.
 *
 * @example
 * const executor = createSidecarExecutor({ url: "http://sidecar:3002", token: env.SIDECAR_TOKEN });
 * const handle = executor.run({ command: "cursor-agent", args, cwd: "/repos/app", hardTimeoutMs, idleTimeoutMs, maxOutputBytes });
 * handle.onOutput((chunk) => console.log(chunk.text));
 * const { reason } = await handle.result;
 */
export function createSidecarExecutor(options: SidecarExecutorOptions): Executor & Required<Pick<Executor, "reapOrphan">> {
  const api = createSidecarClient(options);
  const settings = {
    reconnects: options.reconnects ?? 5,
    retryDelayMs: options.retryDelayMs ?? 100,
    pollMs: options.pollMs ?? 1000,
    lostAfterMs: options.lostAfterMs ?? 30_000,
  };
  return {
    run: (spec) => runOnSidecar(spec, api, settings),
    // The dead runner's processes are on the sidecar's host: the sidecar ends them (POST /v1/orphans/reap).
    reapOrphan: async (runId, pid) => (await api.reap(runId, pid)).reaped,
  };
}

type Api = ReturnType<typeof createSidecarClient>;

function runOnSidecar(spec: ProcessSpec, api: Api, settings: Required<Omit<SidecarExecutorOptions, "url" | "token" | "fetch">>) {
  const startedAt = Date.now();
  const listeners = new Set<(chunk: OutputChunk) => void>();
  /** Output seen so far: the offsets to resume from, and the result's text if the sidecar is lost. */
  const seen = { stdout: "", stderr: "" };
  let id: string | undefined;
  let pid: number | undefined;
  let settled = false;
  let stopRequest: { reason: SettleReason; message: string | undefined } | undefined;
  const { promise: result, resolve: resolveResult } = deferred<ProcessResult>();
  const { promise: started, resolve: resolveStarted } = deferred<number | undefined>();

  const emit = (chunk: OutputChunk) => {
    if (!chunk.text || settled) return;
    seen[chunk.stream] += chunk.text;
    for (const listener of listeners) {
      try {
        listener(chunk);
      } catch {
        // A failing subscriber must not break the run or the other subscribers.
      }
    }
  };

  /** The single exit of every path. */
  const settle = (outcome: ProcessResult) => {
    if (settled) return;
    // Output missed while the stream was down is the tail of the result's text: emit it first.
    for (const stream of ["stdout", "stderr"] as const) {
      emit({ stream, text: outcome[stream].slice(seen[stream].length) });
    }
    settled = true;
    resolveStarted(pid); // no-op once the sidecar has answered
    spec.signal?.removeEventListener("abort", onAbort);
    resolveResult(outcome);
  };

  /** Ends the run without a result from the sidecar (never started: spawn_error; lost mid-run: lost). */
  const fail = (reason: SettleReason, error: string) =>
    settle({
      exitCode: null,
      signal: null,
      reason,
      durationMs: Date.now() - startedAt,
      stdout: seen.stdout,
      stderr: seen.stderr,
      error,
    });

  /** Tells the sidecar to stop the process; a few tries, since its own limits end it anyway. */
  const sendStop = async (request: NonNullable<typeof stopRequest>) => {
    for (let attempt = 0; attempt < 3 && id !== undefined; attempt++) {
      try {
        await api.stop(id, request.reason, request.message);
        return;
      } catch (error) {
        if (error instanceof SidecarRefusal) return; // 404: already gone
        await sleep(settings.retryDelayMs * 2 ** attempt);
      }
    }
  };

  const stop = (reason: SettleReason, message?: string) => {
    // As with the local executor, the first reason wins.
    if (settled || stopRequest) return;
    stopRequest = { reason, message };
    if (id !== undefined) void sendStop(stopRequest);
  };

  function onAbort() {
    stop("cancelled");
  }

  /** Follows the event stream, resuming after drops; true once settled from it. */
  const follow = async (processId: string): Promise<boolean> => {
    let failures = 0;
    while (failures <= settings.reconnects) {
      try {
        for await (const event of api.stream(processId, { stdout: seen.stdout.length, stderr: seen.stderr.length })) {
          failures = 0;
          if (event.type === "output") emit({ stream: event.stream, text: event.text });
          if (event.type === "result") {
            settle(event.result);
            return true;
          }
        }
      } catch (error) {
        if (error instanceof SidecarRefusal && error.status === 404) {
          fail("lost", `Lost the process on the sidecar at ${api.base}: ${error.message}`);
          return true;
        }
      }
      failures++;
      await sleep(Math.min(settings.retryDelayMs * 2 ** (failures - 1), 2000));
    }
    return false;
  };

  /** Last resort: polls the status until the result is there or the sidecar stays unreachable too long. */
  const poll = async (processId: string) => {
    let lastContact = Date.now();
    let lastError = "no answer";
    while (!settled) {
      try {
        const status = await api.status(processId);
        lastContact = Date.now();
        if (status.result) return settle(status.result);
      } catch (error) {
        lastError = messageOf(error);
        if (error instanceof SidecarRefusal && error.status === 404) break;
        if (Date.now() - lastContact >= settings.lostAfterMs) break;
      }
      await sleep(settings.pollMs);
    }
    if (settled) return;
    void api.stop(processId, "cancelled", "The runner lost contact with this process").catch(() => {});
    fail("lost", `Lost contact with the sidecar at ${api.base}: ${lastError}`);
  };

  const start = async () => {
    const failedToStart = `Failed to start ${spec.command}`;
    if (spec.signal?.aborted) return fail("cancelled", "Run cancelled");
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    const { signal: _signal, ...body } = spec;
    let created: Awaited<ReturnType<Api["create"]>>;
    try {
      created = await api.create({ ...body, env: definedEnv(spec.env) });
    } catch (error) {
      if (error instanceof SidecarRefusal)
        return fail("spawn_error", `${failedToStart}: the sidecar refused it: ${error.message}`);
      return fail("spawn_error", `${failedToStart}: sidecar unreachable at ${api.base}: ${messageOf(error)}`);
    }
    id = created.id;
    pid = created.pid ?? undefined;
    resolveStarted(pid);
    if (stopRequest) void sendStop(stopRequest);
    if (!(await follow(created.id))) await poll(created.id);
  };

  const handle: ProcessHandle = {
    get pid() {
      return pid;
    },
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    result,
    started,
    stop,
  };
  // Whatever goes wrong in here, the run still settles (and the promise never rejects).
  start().catch((error) => fail("spawn_error", `Sidecar executor error: ${messageOf(error)}`));
  return handle;
}

/** JSON drops undefined values anyway; dropping them here keeps the body's type honest. */
function definedEnv(env: ProcessSpec["env"]): Record<string, string> | undefined {
  if (!env) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
