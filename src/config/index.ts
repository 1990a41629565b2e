import { z } from "zod";
import { agentsConfig, agentsEnv } from "./agents";
import { callbacksConfig, callbacksEnv } from "./callbacks";
import { databaseConfig, databaseEnv } from "./database";
import { desktopConfig, desktopEnv } from "./desktop";
import { desktopAgentConfig, desktopAgentEnv } from "./desktop-agent";
import { executorConfig, executorEnv } from "./executor";
import { gitConfig, gitEnv } from "./git";
import { iterateConfig, iterateEnv } from "./iterate";
import { mcpConfig, mcpEnv } from "./mcp";
import { type BuildContext, ConfigError } from "./parse";
import { realtimeConfig, realtimeEnv } from "./realtime";
import { runsConfig, runsEnv } from "./runs";
import { secretsConfig, secretsEnv } from "./secrets";
import { serverConfig, serverEnv } from "./server";
import { tasksConfig, tasksEnv } from "./tasks";
import { vncConfig, vncEnv } from "./vnc";
import { workspaceConfig, workspaceEnv } from "./workspace";

/**
 * Environment → typed Config, parsed once with zod. Each concern keeps its variables and how they
 * become configuration in its own file here; this one only assembles them.
 *
 * Every variable of the original cursor-runner that still has an effect is read, with the
 * original's defaults. Unlike the original (which silently fell back to defaults on `abc` or `-1`),
 * a malformed value stops start-up with a one-line message naming the variable and what it expects.
 * An empty string counts as unset, as compose files often export `VAR=`.
 *
 * @example
 * const config = loadConfig(process.env, { cwd: process.cwd() });
 */

export { ConfigError } from "./parse";

type Env = Record<string, string | undefined>;

const envSchema = z.object({
  ...serverEnv,
  ...databaseEnv,
  ...agentsEnv,
  ...runsEnv,
  ...iterateEnv,
  ...workspaceEnv,
  ...gitEnv,
  ...callbacksEnv,
  ...realtimeEnv,
  ...executorEnv,
  ...mcpEnv,
  ...tasksEnv,
  ...secretsEnv,
  ...desktopEnv,
  ...desktopAgentEnv,
  ...vncEnv,
});

function buildConfig(e: z.infer<typeof envSchema>, ctx: BuildContext) {
  const workspace = workspaceConfig(e, ctx);
  const runs = runsConfig(e, ctx);
  return {
    ...serverConfig(e, ctx),
    ...databaseConfig(e, ctx),
    ...agentsConfig(e, ctx),
    ...runs,
    ...iterateConfig(e, ctx),
    ...workspace,
    ...gitConfig(e, ctx),
    ...callbacksConfig(e, ctx),
    ...realtimeConfig(e, ctx),
    ...executorConfig(e, { ...ctx, repositoriesPath: workspace.paths.repositories }),
    ...mcpConfig(e, ctx),
    ...tasksConfig(e, ctx, runs.slots),
    ...secretsConfig(e, ctx),
    ...desktopConfig(e, ctx),
    ...desktopAgentConfig(e, ctx),
    ...vncConfig(e, ctx),
  };
}

export type Config = ReturnType<typeof buildConfig>;

export type LoadConfigOptions = BuildContext;

/** Parses the environment; throws ConfigError with one line naming every bad variable. */
export function loadConfig(env: Env, options: LoadConfigOptions): Config {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  return buildConfig(parsed.data, options);
}
