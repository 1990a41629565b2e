import { type BuildContext, type EnvValues, flag, int } from "./parse";

/** Run bookkeeping (event log, linger, heartbeats) and the execution slots. */
export const runsEnv = {
  CURSOR_CLI_MAX_CONCURRENT: int("number of concurrent runs", 0, 1, 1000).optional(),
  CURSOR_CLI_MAX_QUEUE: int("number of waiting runs", 100, 0, 100_000),
  CURSOR_RUNNER_LOW_RESOURCE: flag(),
  RUN_MAX_EVENTS: int("events kept per run", 5000),
  RUN_EVENT_MAX_CHARS: int("characters per event field", 64 * 1024),
  RUN_LINGER_MS: int("milliseconds an agent may linger after its result", 2000, 0),
  RUN_KILL_GRACE_MS: int("milliseconds between SIGTERM and SIGKILL", 1000, 0),
  RUN_HEARTBEAT_MS: int("milliseconds", 10_000),
  RUN_STALE_AFTER_MS: int("milliseconds", 30_000),
};

export function runsConfig(e: EnvValues<typeof runsEnv>, _ctx: BuildContext) {
  return {
    runs: {
      maxEvents: e.RUN_MAX_EVENTS,
      maxEventChars: e.RUN_EVENT_MAX_CHARS,
      lingerMs: e.RUN_LINGER_MS,
      killGraceMs: e.RUN_KILL_GRACE_MS,
      heartbeatMs: e.RUN_HEARTBEAT_MS,
      /** A live run whose owner has not heart-beaten for this long is failed as interrupted. */
      staleAfterMs: e.RUN_STALE_AFTER_MS,
    },
    slots: {
      /** §4.1: an explicit value wins over low-resource mode. */
      maxConcurrent: e.CURSOR_CLI_MAX_CONCURRENT ?? (e.CURSOR_RUNNER_LOW_RESOURCE ? 1 : 5),
      maxQueue: e.CURSOR_CLI_MAX_QUEUE,
    },
  };
}
