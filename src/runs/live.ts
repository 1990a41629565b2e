import type { ProcessHandle } from "../exec/types";
import type { McpLease } from "../mcp/types";
import type { RunRecord } from "./types";

/** A run this instance is executing or orchestrating right now. */
export interface LiveRun {
  controller: AbortController;
  /** Aborts the run and stops its process, from the run's own context (see `relay`). First message wins. */
  stop: (message: string) => void;
  /** Set when the runner itself is stopping: the run is reported as interrupted, not cancelled. */
  shuttingDown?: boolean;
  handle?: ProcessHandle;
  /** The run's MCP file, released when the run ends. */
  mcp?: McpLease;
  done: Promise<RunRecord>;
}

/** This instance's live runs, by run id. */
export type LiveRuns = Map<string, LiveRun>;

/**
 * A trigger for `action` that runs it as the reaction of a promise made now. On Workers a run's
 * abort signal and sidecar streams belong to the request that started it and may not be touched
 * from another one (a cancel request); a promise reaction runs in the context that registered it,
 * so the action runs in the run's own. On Node it is merely a microtask later.
 */
function relay<T>(action: (value: T) => void): (value: T) => void {
  let trigger!: (value: T) => void;
  void new Promise<T>((resolve) => {
    trigger = resolve;
  }).then(action);
  return (value) => trigger(value);
}

/** A live run made in the current (the run's own) context, so `stop` is relayed back into it. */
export function liveEntry(run: RunRecord): LiveRun {
  const controller = new AbortController();
  const entry: LiveRun = {
    controller,
    stop: relay((message: string) => {
      controller.abort();
      entry.handle?.stop("cancelled", message);
    }),
    done: Promise.resolve(run),
  };
  return entry;
}
