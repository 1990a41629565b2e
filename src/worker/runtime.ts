// Workers-only: the deps of one isolate (built once, on the first request or cron event).
import { createClient } from "@libsql/client/web";
import { agentCliStatus } from "../agents/cli";
import { type App, createApp } from "../app";
import { createConversationStore } from "../conversations";
import { openDatabase } from "../db/client";
import { buildDeps, type Deps } from "../deps";
import { createSidecarExecutor } from "../exec/sidecar";
import { sidecarCliLookup } from "../exec/sidecar-cli-status";
import { unavailableRepos } from "../repos/unavailable";
import { workersBackground } from "./background";
import { loadWorkerConfig, type WorkerEnv } from "./config";
import { createWorkerLogger } from "./log";
import { bindingUiAssets, isAssetsBinding } from "./ui-assets";
import { nameOnlyWorkspaces } from "./workspaces";

export interface WorkerRuntime {
  deps: Deps;
  app: App;
}

/**
 * Worker bindings → deps → app, with Workers-safe parts only: libSQL over HTTP
 * (`@libsql/client/web`), conversations in Redis over HTTP (`@upstash/redis`), agents on the
 * sidecar runner, repository operations answering 501, and background work under waitUntil.
 * No migrations here: run `npm run migrate` against DATABASE_URL before deploying. Throws
 * ConfigError when a binding is missing or wrong.
 *
 * @example
 * const { app, deps } = await createWorkerRuntime(env);
 * return app.fetch(request, env, ctx);
 */
export async function createWorkerRuntime(env: WorkerEnv): Promise<WorkerRuntime> {
  const config = loadWorkerConfig(env);
  const { executor } = config;
  // loadWorkerConfig has insisted on the sidecar; this narrows the type.
  if (executor.kind !== "sidecar") throw new Error("unreachable: the Worker needs the sidecar executor");
  const log = createWorkerLogger(config.logLevel);
  const db = await openDatabase(createClient, config.database);
  const conversationStore = await createConversationStore(config, {
    db,
    options: { onError: (error) => log.warn({ err: error }, "Conversation store background error") },
  });
  // Bound once the deps exist: the background keeper heart-beats their runs.
  let heartbeat = async () => {};
  const deps = buildDeps({
    config,
    log,
    db,
    conversationStore,
    // Every agent's CLI is looked up where it runs: on the sidecar.
    cliStatus: agentCliStatus(config, (command) => sidecarCliLookup(executor, command)()),
    executor: createSidecarExecutor({ url: executor.url, token: executor.token }),
    // The agent's environment (PATH, HOME, its API keys) is the sidecar host's; Worker bindings are
    // the runner's configuration, not the agent's.
    baseEnv: {},
    workspaces: nameOnlyWorkspaces(config.paths.repositories),
    repos: unavailableRepos(),
    // The web UI, when wrangler.toml's [assets] binding is there.
    ...(isAssetsBinding(env.ASSETS) ? { ui: bindingUiAssets(env.ASSETS) } : {}),
    background: workersBackground({
      heartbeat: () => heartbeat(),
      heartbeatMs: config.runs.heartbeatMs,
      onError: (error) => log.error({ err: error }, "Background work failed"),
    }),
  });
  heartbeat = () => deps.runs.heartbeat();
  return { deps, app: createApp(deps) };
}
