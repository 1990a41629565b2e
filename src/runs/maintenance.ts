import type { Config } from "../config";
import type { Executor } from "../exec/types";
import type { Logger } from "../log";
import type { LiveRuns } from "./live";
import type { Settler } from "./settle";
import type { RunStore } from "./store";
import type { RunRecord } from "./types";

/**
 * What keeps runs honest across instances and crashes: heartbeats for this instance's live runs,
 * and the sweep that fails runs whose owner stopped heart-beating.
 */
export function createRunMaintenance(deps: {
  config: Config;
  log: Logger;
  store: RunStore;
  executor: Executor;
  live: LiveRuns;
  settler: Settler;
}) {
  const { config, log, store, executor, live, settler } = deps;

  const maintenance = {
    /** Fails runs whose owner stopped heart-beating (a crash), then tells the hooks. */
    async recoverStale(message = "interrupted by restart"): Promise<RunRecord[]> {
      const stale = await store.failStale(new Date(Date.now() - config.runs.staleAfterMs), message);
      for (const run of stale) {
        log.warn({ runId: run.id, requestId: run.requestId }, "Run failed: its runner stopped (interrupted by restart)");
        // The dead runner's agent may still be running in its own process group: end it.
        if (executor.reapOrphan) {
          const reaped = await executor.reapOrphan(run.id, run.pid ?? undefined).catch(() => false);
          if (reaped) log.warn({ runId: run.id, pid: run.pid }, "Ended the agent processes of an interrupted run");
        }
        await settler.callHook("onFinish", run);
      }
      // A runner that died after settling a run but before enqueueing its callback: enqueue it here.
      // Only runs settled longer than the stale period ago qualify, so a live settler has long enqueued.
      for (const run of await store.missingCallbacks(new Date(Date.now() - config.runs.staleAfterMs))) {
        log.warn({ runId: run.id, requestId: run.requestId }, "Queued the callback of a run whose runner stopped");
        await settler.callHook("onFinish", run);
      }
      return stale;
    },

    /** Marks this instance's live runs as still owned (Workers call it while they have runs in flight). */
    async heartbeat(): Promise<void> {
      // A run cancelled through another instance is only marked in the database: stop it here.
      for (const id of await store.heartbeat([...live.keys()])) {
        log.info({ runId: id }, "Run was settled by another instance; stopping it");
        live.get(id)?.stop("Run cancelled by request");
      }
    },

    /** Heart-beats this instance's runs and sweeps stale ones until stopped. */
    startMaintenance(): () => void {
      const timer = setInterval(() => {
        void maintenance
          .heartbeat()
          .then(() => maintenance.recoverStale())
          .catch((error) => log.error({ err: error }, "Run maintenance failed"));
      }, config.runs.heartbeatMs);
      timer.unref?.();
      return () => clearInterval(timer);
    },
  };
  return maintenance;
}
