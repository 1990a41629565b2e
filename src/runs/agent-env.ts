import type { AgentAdapter } from "../agents/adapter";

/** The runner's own secrets never reach an agent's environment. */
export const RUNNER_SECRETS = [
  "RUNNER_API_TOKENS",
  "WEBHOOK_SECRET",
  "DATABASE_AUTH_TOKEN",
  "UPSTASH_REDIS_REST_TOKEN",
  "SIDECAR_TOKEN",
];

/** The environment an agent runs with: the base environment without our secrets, plus the adapter's own. */
export function agentEnv(baseEnv: Record<string, string | undefined>, adapter: AgentAdapter): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...baseEnv };
  for (const key of RUNNER_SECRETS) delete env[key];
  return { ...env, ...adapter.env?.() };
}
