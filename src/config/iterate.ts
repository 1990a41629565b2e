import { type BuildContext, type EnvValues, int, text } from "./parse";

/** Iterate mode (§6): review agent, attempt and duration budgets, the diagnostic attempt. */
export const iterateEnv = {
  CURSOR_CLI_DIAGNOSTIC_TIMEOUT: int("milliseconds", 1_200_000),
  REVIEW_AGENT: text(),
  REVIEW_AGENT_CLI_PATH: text(),
  ITERATE_MAX_ITERATIONS: int("iterations", 5, 1, 50),
  ITERATE_MAX_DURATION_MS: int("milliseconds", 14_400_000),
};

export function iterateConfig(e: EnvValues<typeof iterateEnv>, _ctx: BuildContext) {
  return {
    /** The reviewer defaults to the worker's agent; one diagnostic attempt after a silent hang. */
    iterate: {
      reviewAgent: e.REVIEW_AGENT,
      /** A different executable for the review agent (e.g. a wrapper pinning another model or key). */
      reviewCliPath: e.REVIEW_AGENT_CLI_PATH,
      maxIterations: e.ITERATE_MAX_ITERATIONS,
      maxDurationMs: e.ITERATE_MAX_DURATION_MS,
      diagnosticTimeoutMs: e.CURSOR_CLI_DIAGNOSTIC_TIMEOUT,
    },
  };
}
