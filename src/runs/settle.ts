import type { Logger } from "../log";
import type { RunEventLog } from "./event-log";
import type { RunStore } from "./store";
import type { RunHooks, RunRecord } from "./types";

export interface Settler {
  /** Calls one hook; its errors are logged, never thrown. */
  callHook(name: "onStart" | "onFinish" | "callback", run: RunRecord): Promise<void>;
  /**
   * Records the final state in the run's log, closes it and tells the hooks. `finished` is the row
   * `store.finish` returned, or null when another path had settled the run already.
   */
  settle(run: RunRecord, finished: RunRecord | null): Promise<RunRecord>;
}

export function createSettler(deps: { store: RunStore; events: RunEventLog; hooks?: RunHooks; log: Logger }): Settler {
  const { store, events, log } = deps;
  const callHook: Settler["callHook"] = async (name, run) => {
    try {
      await deps.hooks?.[name]?.(run);
    } catch (error) {
      log.error({ err: error, runId: run.id, hook: name }, "Run hook failed");
    }
  };
  return {
    callHook,
    async settle(run, finished) {
      const final = finished ?? (await store.get(run.id)) ?? run;
      if (finished) {
        events.append(run.id, { type: "status", status: final.status, ...(final.error ? { detail: final.error } : {}) });
      }
      await events.close(run.id);
      if (finished) await callHook("onFinish", final);
      return final;
    },
  };
}
