import type { AgentAdapter, AgentName } from "../agents/adapter";
import type { RunEvent } from "../agents/events";
import type { Config } from "../config";
import type { Slots } from "../exec/slots";
import type { Executor } from "../exec/types";
import { HttpError } from "../http/errors";
import type { Logger } from "../log";
import type { RunMcp } from "../mcp/types";
import type { RunEventLog } from "./event-log";
import { createAgentProcess, type StartOptions } from "./execute";
import type { InstanceProbe, InstanceRegistry } from "./instances";
import { type LiveRuns, liveEntry } from "./live";
import { createRunMaintenance } from "./maintenance";
import { createSettler } from "./settle";
import type { RunStore } from "./store";
import type { NewRun, RunFinish, RunHooks, RunRecord } from "./types";

export { RUNNER_SECRETS } from "./agent-env";
export type { StartOptions } from "./execute";
export type { RunHooks } from "./types";

export interface RunServiceDeps {
  config: Config;
  log: Logger;
  store: RunStore;
  events: RunEventLog;
  slots: Slots;
  executor: Executor;
  agent: (name: AgentName) => AgentAdapter;
  /** Environment handed to agents, before scrubbing the runner's own secrets. */
  baseEnv: Record<string, string | undefined>;
  /** Identifies this process as the owner of the runs it executes. */
  instanceId: string;
  /** Runner starts, to close a dead predecessor's runs at start-up (with `probe`). */
  instances?: InstanceRegistry;
  /** Tells whether another instance's process is gone (Node: /proc); absent where it cannot be known. */
  probe?: InstanceProbe;
  hooks?: RunHooks;
  /** Per-run MCP configuration for cursor runs (Node only; absent elsewhere). */
  mcp?: RunMcp;
  /**
   * Told about every run's `done`, so a runtime that ends work when the response is sent (Workers)
   * can keep it alive; the Node server needs nothing (absent).
   */
  background?: (work: Promise<unknown>) => void;
}

export type StartRun = Omit<NewRun, "id">;

/** The body of a run without a process (an iterate request): it drives child runs and returns the outcome. */
export type Orchestration = (
  run: RunRecord,
  context: { signal: AbortSignal; note: (detail: string) => void },
) => Promise<RunFinish>;

export interface StartedRun {
  run: RunRecord;
  /** Settles with the finished run; never rejects. */
  done: Promise<RunRecord>;
}

const unfinished = { exitCode: null, output: null, stderr: null } as const;

/**
 * Runs agents: writes the run row, waits for a slot (FIFO), spawns the CLI in its own process
 * group (src/runs/execute.ts), and settles the run exactly once. Nothing important lives only in
 * memory: a crashed instance's runs are failed by the next heartbeat sweep (src/runs/maintenance.ts).
 *
 * @example
 * const runs = createRunService(deps);
 * const { run, done } = await runs.start({ requestId, agent: "cursor", mode: "sync", cwd, prompt });
 * const finished = await done;
 */
export function createRunService(deps: RunServiceDeps) {
  const { log, store, events, slots } = deps;
  const live: LiveRuns = new Map();
  const settler = createSettler({ store, events, log, ...(deps.hooks ? { hooks: deps.hooks } : {}) });
  const { settle, callHook } = settler;
  const runAgent = createAgentProcess({ ...deps, live, settler });
  const maintenance = createRunMaintenance({ ...deps, live, settler });

  /** Writes the run row and makes it live here; its log opens with `queued`. */
  const open = async (input: StartRun) => {
    const run = await store.create({ ...input, id: crypto.randomUUID() }, deps.instanceId);
    events.open(run.id);
    events.append(run.id, { type: "status", status: "queued" });
    const entry = liveEntry(run);
    live.set(run.id, entry); // before slots.run: p-queue may start the task synchronously
    return { run, entry };
  };

  const service = {
    /**
     * Creates the run and queues it for a slot. Throws 429 at once when the waiting queue is full.
     */
    async start(input: StartRun, options: StartOptions = {}): Promise<StartedRun> {
      // The place in line is taken before the row is written: a burst cannot be admitted past the limit.
      const place = slots.reserve();
      let opened: Awaited<ReturnType<typeof open>>;
      try {
        opened = await open(input);
      } catch (error) {
        place.release();
        throw error;
      }
      const { run, entry } = opened;
      const { controller } = entry;
      entry.done = place
        .run(() => runAgent(run, controller, options), { signal: controller.signal })
        .catch(async (error: unknown) => {
          // Never started: cancelled (or shut down) while waiting, or an internal failure.
          const aborted = controller.signal.aborted;
          if (!aborted) log.error({ err: error, runId: run.id }, "Run failed before completion");
          const finish = entry.shuttingDown
            ? { status: "failed" as const, reason: "interrupted", error: "interrupted by shutdown" }
            : aborted
              ? { status: "cancelled" as const, reason: "cancelled", error: "Run cancelled before it started" }
              : { status: "failed" as const, reason: "internal", error: (error as Error).message };
          return settle(run, await store.finish(run.id, { ...finish, ...unfinished }, events.count(run.id)));
        })
        .finally(async () => {
          await entry.mcp?.release().catch((error) => log.warn({ err: error, runId: run.id }, "Could not remove the MCP file"));
          live.delete(run.id);
        });
      deps.background?.(entry.done);
      return { run, done: entry.done };
    },

    /**
     * Starts a run without a process of its own (an iterate request): no slot, but it is live here
     * (heart-beaten, cancellable, failed as interrupted on shutdown or by the crash sweep) while
     * `body` drives its child runs. `body`'s outcome settles it, through the same hooks as any run.
     *
     * @example
     * const { done } = await runs.orchestrate({ ...input, mode: "iterate" }, async (run, { signal }) => outcome);
     */
    async orchestrate(input: StartRun, body: Orchestration): Promise<StartedRun> {
      const { run, entry } = await open(input);
      const { signal } = entry.controller;
      const note = (detail: string) => events.append(run.id, { type: "status", status: "running", detail });
      entry.done = (async () => {
        const running = await store.markRunning(run.id, { command: [], pid: null });
        if (!running) return settle(run, null);
        events.append(run.id, { type: "status", status: "running" });
        await callHook("onStart", running);
        let outcome: RunFinish;
        try {
          outcome = await body(running, { signal, note });
        } catch (error) {
          log.error({ err: error, runId: run.id }, "Orchestrated run failed");
          outcome = { status: "failed", reason: "internal", ...unfinished, error: (error as Error).message };
        }
        if (entry.shuttingDown)
          outcome = { ...outcome, status: "failed", reason: "interrupted", error: "interrupted by shutdown" };
        return settle(run, await store.finish(run.id, outcome, events.count(run.id)));
      })().finally(() => live.delete(run.id));
      deps.background?.(entry.done);
      return { run, done: entry.done };
    },

    get: (id: string) => store.get(id),

    /**
     * Ends whatever is left of a settled run's processes (an orphan of a runner that died: same
     * host or sidecar). Idempotent; false when nothing was left or it cannot be reached from here.
     */
    async reapOrphans(run: RunRecord): Promise<boolean> {
      if (!deps.executor.reapOrphan || live.has(run.id)) return false;
      return deps.executor.reapOrphan(run.id, run.pid ?? undefined).catch(() => false);
    },

    /** Runs newest first (summaries: no output or stderr, prompt shortened), with the total. */
    list: store.list,

    /** Cancels a queued or running run. Returns the settled run. */
    async cancel(id: string): Promise<RunRecord> {
      const entry = live.get(id);
      if (entry) {
        entry.stop("Run cancelled by request");
        return entry.done;
      }
      const run = await store.get(id);
      if (!run) throw new HttpError(404, "Run not found");
      // Owned by another (or a dead) instance: settle it here; the owner's own settle then no-ops.
      const cancelled = { status: "cancelled" as const, reason: "cancelled", ...unfinished, error: "Run cancelled by request" };
      const finished = await store.finish(id, cancelled, run.eventCount);
      if (!finished) throw new HttpError(409, `Run already finished (${run.status})`);
      await callHook("onFinish", finished);
      return finished;
    },

    /** Live events of a run on this instance (undefined when not live here). */
    subscribe: events.subscribe,
    readEvents: events.read,

    ...maintenance,

    /** Cancels every live run (used on shutdown) and waits for them to settle. */
    async stopAll(): Promise<void> {
      const pending = [...live.values()].map((entry) => {
        entry.shuttingDown = true;
        entry.stop("interrupted by shutdown");
        return entry.done;
      });
      await Promise.allSettled(pending);
    },

    liveCount: () => live.size,
  };
  return service;
}

export type RunService = ReturnType<typeof createRunService>;
export type { RunEvent };
