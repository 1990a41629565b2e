// Runtime-neutral: the limits of one stretch of work on a desktop task (model calls, tokens, wall time).

export interface BudgetLimits {
  maxIterations: number;
  maxTokens: number;
  maxWallMs: number;
}

/**
 * Counts what a stretch of work spends and says, before each model call, whether it may make
 * another — so a model that never calls set_task_status ends FAILED with the reason, not forever.
 *
 * @example
 * const budget = createBudget(config.desktopAgent.budget);
 * const over = budget.exceeded(); // null, or "The desktop agent reached its budget: 200 model calls (DESKTOP_AGENT_MAX_ITERATIONS)"
 */
export function createBudget(limits: BudgetLimits, now: () => number = Date.now) {
  const started = now();
  let iterations = 0;
  let tokens = 0;
  return {
    /** Records one model call and the tokens it used. */
    spend(used: number) {
      iterations++;
      tokens += used;
    },
    /** Why no further model call may be made, or null. */
    exceeded(): string | null {
      const prefix = "The desktop agent reached its budget:";
      if (iterations >= limits.maxIterations) return `${prefix} ${iterations} model calls (DESKTOP_AGENT_MAX_ITERATIONS)`;
      if (tokens >= limits.maxTokens) return `${prefix} ${tokens} tokens (DESKTOP_AGENT_MAX_TOKENS=${limits.maxTokens})`;
      const elapsed = now() - started;
      if (elapsed >= limits.maxWallMs) return `${prefix} ${elapsed} ms of work (DESKTOP_AGENT_MAX_WALL_MS=${limits.maxWallMs})`;
      return null;
    },
    spent: () => ({ iterations, tokens, ms: now() - started }),
  };
}
