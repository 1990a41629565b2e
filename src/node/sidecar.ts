// Node-only: the sidecar runner's listening entry (`npm run sidecar`): the local executor behind HTTP.
import { pathToFileURL } from "node:url";
import { type ServerType, serve } from "@hono/node-server";
import { pino } from "pino";
import which from "which";
import { ConfigError, loadConfig } from "../config";
import { createLocalExecutor } from "../exec/local";
import { reapOrphanedRun } from "../exec/local-orphans";
import { createLogger, type Logger } from "../log";
import { createSidecarApp } from "../sidecar/app";
import { cwdInside } from "../sidecar/cwd";
import { createProcessRegistry } from "../sidecar/registry";

/** The sidecar's own secrets never reach a process it runs. */
const SIDECAR_SECRETS = [
  "SIDECAR_TOKEN",
  "RUNNER_API_TOKENS",
  "WEBHOOK_SECRET",
  "DATABASE_AUTH_TOKEN",
  "UPSTASH_REDIS_REST_TOKEN",
];

/**
 * Starts the sidecar: SIDECAR_TOKEN is required (it runs processes for whoever holds it), and
 * processes may only run inside SIDECAR_ROOT (default REPOSITORIES_PATH). Resolves once listening.
 *
 * @example
 * const sidecar = await startSidecar(process.env, { cwd: process.cwd() });
 * await sidecar.close(); // stops every process (their whole groups), then the server
 */
export async function startSidecar(env: Record<string, string | undefined>, options: { cwd: string; log?: Logger }) {
  const config = loadConfig(env, options);
  const { sidecar } = config;
  if (!sidecar.token) throw new ConfigError("Invalid configuration: SIDECAR_TOKEN is required to start the sidecar");
  const log = options.log ?? createLogger({ level: config.logLevel, destination: pino.destination({ dest: 1, sync: true }) });

  const registry = createProcessRegistry(createLocalExecutor(), {
    maxRunning: sidecar.maxProcesses,
    maxRetained: sidecar.maxResults,
    retainMs: sidecar.resultTtlMs,
  });
  const baseEnv = { ...env };
  for (const key of SIDECAR_SECRETS) delete baseEnv[key];
  const app = createSidecarApp({
    registry,
    token: sidecar.token,
    resolveCwd: cwdInside(sidecar.root),
    allowedCommands: sidecar.allowedCommands,
    baseEnv,
    reapOrphan: reapOrphanedRun,
    lookupCommand: async (command) => (await which(command, { nothrow: true })) ?? undefined,
    onError: (error) => log.error({ err: error }, "Sidecar request failed"),
  });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: sidecar.port, hostname: sidecar.host }, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : sidecar.port;
  log.info({ host: sidecar.host, port, root: sidecar.root }, "cursor-runner sidecar listening");

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Processes first (their groups are killed and reaped), so nothing outlives the sidecar.
      await registry.stopAll("cancelled", "The sidecar is shutting down");
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
    })();
    return closing;
  };
  return { port, close, registry, log };
}

async function main() {
  let sidecar: Awaited<ReturnType<typeof startSidecar>>;
  try {
    sidecar = await startSidecar(process.env, { cwd: process.cwd() });
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `Sidecar start-up failed: ${(error as Error).message}`);
    process.exit(1);
  }
  const shutdown = async (signal: string) => {
    sidecar.log.info({ signal }, "Shutting down the sidecar...");
    await sidecar.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
