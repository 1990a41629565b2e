import type { Server } from "node:http";
import { pathToFileURL } from "node:url";
import { type ServerType, serve } from "@hono/node-server";
import { createApp } from "../app";
import type { Deps } from "../deps";
import { closeDeps, runServer } from "./main";
import { closeOnUnreadBody } from "./unread-body";
import { attachWebSockets } from "./websockets";

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
        void closeDeps(deps, options.beforeDatabaseClose).finally(resolve);
      });
      if ("closeIdleConnections" in server) server.closeIdleConnections();
    });
    return closing;
  };
  return { server, port, close };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runServer(startServer, { runtime: `node ${process.version}` });
}
