import type { Config } from "../config";
import type { Executor } from "../exec/types";
import type { Logger } from "../log";
import type { RunMcp } from "../mcp/types";
import type { InstanceProbe, InstanceRegistry } from "./instances";
import type { LiveRuns } from "./live";
import type { Settler } from "./settle";
import type { RunStore } from "./store";
import type { RunRecord } from "./types";

export const INTERRUPTED_BY_RESTART = "interrupted by restart";

/**
 * What keeps runs honest across instances and crashes: heartbeats for this instance's live runs,
 * the sweep that fails runs whose owner stopped heart-beating, and — where the runtime can tell
 * (a probe) — closing a dead predecessor's runs at start-up without waiting for them to go stale.
 * Closing an interrupted run also removes the per-run MCP file it left in its workspace (`mcp`).
 */
export function createRunMaintenance(deps: {
  config: Config;
  log: Logger;
  store: RunStore;
  executor: Executor;
  live: LiveRuns;
  settler: Settler;
  instanceId: string;
  instances?: InstanceRegistry;
  probe?: InstanceProbe;
  /** Per-run MCP files (Node); absent where runs write none. */
  mcp?: RunMcp;
}) {
  const { config, log, store, executor, live, settler, instanceId, instances, probe, mcp } = deps;

  /**
   * Ends what is left of interrupted runs (their agents may still run in their groups), removes the
   * MCP files their cursor runs left (once the agents are gone), and tells the hooks.
   */
  const closeInterrupted = async (runs: RunRecord[], why: string) => {
    for (const run of runs) {
      log.warn({ runId: run.id, requestId: run.requestId }, `Run failed: its runner stopped (${why})`);
      if (executor.reapOrphan) {
        const reaped = await executor.reapOrphan(run.id, run.pid ?? undefined).catch(() => false);
        if (reaped) log.warn({ runId: run.id, pid: run.pid }, "Ended the agent processes of an interrupted run");
      }
    }
    const cursorRuns = runs.filter((run) => run.agent === "cursor");
    if (mcp && cursorRuns.length > 0) {
      await mcp.recover(cursorRuns).catch((error) => log.warn({ err: error }, "Could not clean up MCP files"));
    }
    for (const run of runs) await settler.callHook("onFinish", run);
  };

  let sweeping = false;

  const maintenance = {
    /** Fails runs whose owner stopped heart-beating (a crash), then tells the hooks. */
    async recoverStale(message = INTERRUPTED_BY_RESTART): Promise<RunRecord[]> {
      const stale = await store.failStale(new Date(Date.now() - config.runs.staleAfterMs), message);
      await closeInterrupted(stale, "its heartbeat went stale");
      // A runner that died after settling a run but before enqueueing its callback: enqueue it here.
      // Only runs settled longer than the stale period ago qualify, so a live settler has long enqueued.
      for (const run of await store.missingCallbacks(new Date(Date.now() - config.runs.staleAfterMs))) {
        log.warn({ runId: run.id, requestId: run.requestId }, "Queued the callback of a run whose runner stopped");
        await settler.callHook("callback", run);
      }
      return stale;
    },

    /**
     * At start-up: registers this instance and fails at once the runs of earlier instances on this
     * host whose process is certainly gone (this runner before its restart, typically); then the
     * usual stale sweep for everyone else's. Returns every run it failed.
     */
    async recoverOnStart(): Promise<RunRecord[]> {
      if (instances && probe) {
        await instances.register(instanceId, probe.identity());
        await instances.prune(new Date(Date.now() - 7 * 24 * 3_600_000));
      }
      return [...(await maintenance.recoverGone()), ...(await maintenance.recoverStale())];
    },

    /**
     * Fails at once the runs of other instances on this host whose process is certainly gone (this
     * runner before a restart, a sibling that was killed), and records those instances as stopped.
     * Needs a probe; elsewhere only the stale sweep applies.
     */
    async recoverGone(): Promise<RunRecord[]> {
      if (!instances || !probe) return [];
      const gone = (await instances.others(instanceId, probe.identity().host)).filter((other) => probe.isGone(other));
      if (gone.length === 0) return [];
      const ids = gone.map((other) => other.id);
      const failed = await store.failOwned(ids, INTERRUPTED_BY_RESTART);
      await closeInterrupted(failed, "its process is gone");
      await instances.markStopped(ids);
      return failed;
    },

    /** Marks this instance's live runs as still owned (Workers call it while they have runs in flight). */
    async heartbeat(): Promise<void> {
      // A run cancelled through another instance is only marked in the database: stop it here.
      for (const id of await store.heartbeat([...live.keys()])) {
        log.info({ runId: id }, "Run was settled by another instance; stopping it");
        live.get(id)?.stop("Run cancelled by request");
      }
      await instances?.heartbeat(instanceId);
    },

    /** Heart-beats this instance's runs and sweeps stale ones until stopped; one round at a time. */
    startMaintenance(): () => void {
      const timer = setInterval(() => {
        // A slow database must not stack rounds: two concurrent sweeps would both act on the same runs.
        if (sweeping) return;
        sweeping = true;
        void maintenance
          .heartbeat()
          .then(() => maintenance.recoverGone())
          .then(() => maintenance.recoverStale())
          .catch((error) => log.error({ err: error }, "Run maintenance failed"))
          .finally(() => {
            sweeping = false;
          });
      }, config.runs.heartbeatMs);
      timer.unref?.();
      return () => clearInterval(timer);
    },

    /** Records that this instance stopped cleanly (its runs were settled first). */
    async markStopped(): Promise<void> {
      await instances?.markStopped([instanceId]);
    },
  };
  return maintenance;
}
