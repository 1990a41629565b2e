import type { Server } from "node:http";
import { pathToFileURL } from "node:url";
import { type ServerType, serve } from "@hono/node-server";
import { createApp } from "../app";
import { ConfigError } from "../config";
import type { Deps } from "../deps";
import { startBackground } from "./background";
import { closeOnUnreadBody } from "./unread-body";
import { attachWebSockets } from "./websockets";
import { createNodeDeps } from "./wiring";

/**
 * Starts the HTTP server on the configured host and port. Resolves once listening.
 *
 * @example
 * const { close, port } = await startServer(deps);
 */
export async function startServer(
  deps: Deps,
  options: { beforeDatabaseClose?: () => Promise<void> } = {},
): Promise<{ server: ServerType; port: number; close: () => Promise<void> }> {
  const { config, log } = deps;
  const app = createApp(deps);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: closeOnUnreadBody(app.fetch), port: config.server.port, hostname: config.server.host }, () =>
      resolve(s),
    );
    s.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.server.port;
  // WebSockets (§2.5) share the port: the `upgrade` event is theirs.
  const websockets = attachWebSockets(server as Server, deps);

  let closing: Promise<void> | undefined;
  /** Stops accepting, lets in-flight requests finish within the grace period, then closes the database. */
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      // WebSocket clients are told goodbye (1001); the server's close callback waits for their sockets.
      void websockets.close();
      const force = setTimeout(() => {
        log.warn({ graceMs: config.server.shutdownGraceMs }, "Grace period over; closing remaining connections");
        if ("closeAllConnections" in server) server.closeAllConnections();
      }, config.server.shutdownGraceMs);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        void (options.beforeDatabaseClose?.() ?? Promise.resolve())
          .catch((error) => log.error({ err: error }, "Error during shutdown"))
          .then(() => deps.desktop.close())
          .then(() => deps.conversationStore.close())
          .catch((error) => log.error({ err: error }, "Error closing the conversation store"))
          .finally(() => {
            deps.db.close();
            resolve();
          });
      });
      if ("closeIdleConnections" in server) server.closeIdleConnections();
    });
    return closing;
  };
  return { server, port, close };
}

async function main() {
  let deps: Deps;
  try {
    deps = await createNodeDeps(process.env, { cwd: process.cwd() });
  } catch (error) {
    // One line a person can act on; no stack for configuration mistakes.
    console.error(error instanceof ConfigError ? error.message : `Start-up failed: ${(error as Error).message}`);
    process.exit(1);
  }
  const { config, log } = deps;
  log.info("Initializing cursor-runner...");
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
  const { port, close } = await startServer(deps, { beforeDatabaseClose: () => background.stop() });
  log.info({ host: config.server.host, port }, "cursor-runner initialized successfully");

  const shutdown = async (signal: string) => {
    log.info({ signal }, "Shutting down cursor-runner...");
    await close();
    log.info("cursor-runner shut down successfully");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
