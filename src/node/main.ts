// Node-API start-up shared by the Node entry (src/node/server.ts) and the Bun entry (src/bun/server.ts):
// both build the same deps (Bun implements node:child_process, node:fs, process signals and pino's
// synchronous stdout the same way); only the listener differs.
import { ConfigError } from "../config";
import type { Deps } from "../deps";
import { startBackground } from "./background";
import { createNodeDeps } from "./wiring";

/** A started listener: the port it bound, and a graceful close (in-flight work first, then the database). */
export interface Listening {
  port: number;
  close: () => Promise<void>;
}

/** What a runtime entry provides: serve `createApp(deps)` (and the WebSockets) on the configured host and port. */
export type Listen = (deps: Deps, options: { beforeDatabaseClose?: () => Promise<void> }) => Promise<Listening>;

/**
 * After the listener has closed: the work passed in (the background's stop), the desktop's clipboard
 * owner, the live view's relay and x11vnc, the conversation store, then the database. Errors are
 * logged, never thrown: shutdown always finishes.
 */
export async function closeDeps(deps: Deps, beforeDatabaseClose?: () => Promise<void>): Promise<void> {
  const { log } = deps;
  await (beforeDatabaseClose?.() ?? Promise.resolve())
    .catch((error) => log.error({ err: error }, "Error during shutdown"))
    .then(() => deps.desktop.close())
    .then(() => deps.vnc?.close())
    .then(() => deps.conversationStore.close())
    .catch((error) => log.error({ err: error }, "Error closing the conversation store"))
    .finally(() => deps.db.close());
}

/**
 * The server process: environment → deps (migrated) → background work → listener; SIGTERM/SIGINT
 * close it gracefully and exit 0. A configuration mistake exits 1 with one line on stderr.
 *
 * @example
 * await runServer(startServer, { runtime: `node ${process.version}` });
 */
export async function runServer(listen: Listen, options: { runtime: string }): Promise<void> {
  let deps: Deps;
  try {
    deps = await createNodeDeps(process.env, { cwd: process.cwd() });
  } catch (error) {
    // One line a person can act on; no stack for configuration mistakes.
    console.error(error instanceof ConfigError ? error.message : `Start-up failed: ${(error as Error).message}`);
    process.exit(1);
  }
  const { config, log } = deps;
  log.info({ runtime: options.runtime }, "Initializing cursor-runner...");
  if (!config.auth.enabled) {
    log.warn(
      { host: config.server.host },
      config.server.hostExplicit
        ? "RUNNER_API_TOKENS is not set: the API is unauthenticated on the chosen HOST"
        : "RUNNER_API_TOKENS is not set: the API is unauthenticated, so it listens on 127.0.0.1 only (set HOST to change)",
    );
  }
  const cli = await deps.cliStatus();
  if (!cli.available) log.warn({ cli }, "Agent CLI not found; execution routes will answer 503 until it is installed");

  const background = await startBackground(deps);
  const { port, close } = await listen(deps, { beforeDatabaseClose: () => background.stop() });
  log.info({ host: config.server.host, port, runtime: options.runtime }, "cursor-runner initialized successfully");

  const shutdown = async (signal: string) => {
    log.info({ signal }, "Shutting down cursor-runner...");
    await close();
    log.info("cursor-runner shut down successfully");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}
