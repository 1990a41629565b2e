import { mkdir } from "node:fs/promises";
import { type DestinationStream, pino } from "pino";
import { agentCliStatus } from "../agents/cli";
import { loadConfig } from "../config";
import { createConversationStore } from "../conversations";
import { createRedisConversationStore } from "../conversations/redis";
import { buildDeps, type Deps } from "../deps";
import type { ActionRecorder } from "../desktop/service";
import { createLocalExecutor } from "../exec/local";
import { reapOrphanedRun } from "../exec/local-orphans";
import { createSidecarExecutor } from "../exec/sidecar";
import { sidecarCliLookup } from "../exec/sidecar-cli-status";
import { createLogger } from "../log";
import { resolveRepository } from "../repos/safe-path";
import { createRepoServices } from "../repos/services";
import { writeTaskFiles } from "../repos/task-files";
import { createWorkspaceFiles } from "../repos/workspace-files";
import { RUNNER_SECRETS } from "../runs/agent-env";
import { sealSecretsAtRest } from "../secrets/at-rest";
import { createSecretCipher } from "../secrets/cipher";
import { nodeCliLookup } from "./cli-status";
import { migrateUp, openNodeDatabase } from "./database";
import { createNodeInstanceProbe } from "./instance-probe";
import { createNodeMetrics } from "./metrics";
import { connectTcp } from "./tcp";
import { diskUiAssets } from "./ui-assets";
import { x11vncLauncher } from "./x11vnc";

/** The environment without the runner's own secrets (x11vnc has no business with API tokens). */
const withoutSecrets = (env: Record<string, string | undefined>) => {
  const copy = { ...env };
  for (const key of RUNNER_SECRETS) delete copy[key];
  return copy;
};

/**
 * Node wiring: environment → config → logger → database (migrated) → deps.
 * Throws ConfigError on a bad variable and a descriptive Error when a migration fails.
 */
export async function createNodeDeps(
  env: Record<string, string | undefined>,
  options: { cwd: string; logDestination?: DestinationStream; desktopRecorder?: ActionRecorder },
): Promise<Deps> {
  const config = loadConfig(env, { cwd: options.cwd });
  // stdout is written synchronously: pino's default async stdout can reorder or drop the last
  // lines when the process exits right after logging them (as it does after a shutdown).
  const destination = options.logDestination ?? pino.destination({ dest: 1, sync: true });
  const log = createLogger({ level: config.logLevel, destination });
  const db = await openNodeDatabase(config.database);
  try {
    const applied = await migrateUp(db);
    if (applied.length > 0) log.info({ applied }, "Applied database migrations");
  } catch (error) {
    db.close();
    throw new Error(`Database migration failed: ${(error as Error).message}`, { cause: error });
  }
  // Secrets at rest: rows written in plaintext (or under a previous key) are sealed with SECRETS_KEY.
  const cipher = createSecretCipher(config.secrets);
  try {
    const { sealed, unopenable } = await sealSecretsAtRest(db, cipher);
    if (sealed > 0) log.info({ sealed }, "Sealed stored secrets with SECRETS_KEY");
    if (unopenable > 0) {
      log.warn({ unopenable }, "Stored secrets sealed with a key that is not configured: set SECRETS_KEY_PREVIOUS to that key");
    }
  } catch (error) {
    db.close();
    throw new Error(`Sealing stored secrets failed: ${(error as Error).message}`, { cause: error });
  }
  const conversationStore = await createConversationStore(config, {
    db,
    createRedisStore: createRedisConversationStore,
    options: { onError: (error) => log.warn({ err: error }, "Conversation store background error") },
  });
  log.info({ backend: conversationStore.backend }, "Conversation store ready");
  // Desktop commands run in DESKTOP_FILES_ROOT; here (local executor) it is ours to create. A
  // sidecar's must exist on its host.
  if (config.desktop.enabled && config.executor.kind === "local") await mkdir(config.desktop.filesRoot, { recursive: true });
  return buildDeps({
    config,
    conversationStore,
    log,
    db,
    // With a sidecar the CLI must be installed where the sidecar runs it, not here.
    cliStatus: agentCliStatus(config, (command, options) =>
      config.executor.kind === "sidecar" ? sidecarCliLookup(config.executor, command)() : nodeCliLookup(command, options),
    ),
    // Orphans of a dead runner are ended where they run: by the sidecar (which knows its processes
    // by run id), or here through /proc (which needs the recorded pid).
    executor:
      config.executor.kind === "sidecar"
        ? createSidecarExecutor({ url: config.executor.url, token: config.executor.token })
        : { ...createLocalExecutor(), reapOrphan: async (runId, pid) => (pid ? reapOrphanedRun(pid, runId) : false) },
    baseEnv: env,
    instanceProbe: createNodeInstanceProbe(),
    writeTaskFiles,
    metrics: createNodeMetrics,
    workspaces: { resolve: (name, opts) => resolveRepository(config.paths.repositories, name, opts) },
    repos: createRepoServices({ config, db, log, cipher }),
    workspaceFiles: createWorkspaceFiles({ catalogPath: config.mcp.configPath }),
    ui: diskUiAssets(),
    desktopRecorder: options.desktopRecorder,
    connectTcp,
    // x11vnc must run where the display is: here with the local executor; a sidecar's host runs its own (DESKTOP_VNC_URL).
    ...(config.executor.kind === "local"
      ? { vncLauncher: x11vncLauncher({ command: config.vnc.x11vncPath, env: withoutSecrets(env) }) }
      : { vncLauncherMissing: "the executor is a sidecar, so the display is on its host" }),
  });
}
