// Bun-only: the Bun entry (`npm run start:bun`): the same createApp(deps) and deps as Node, served by Bun.serve.
import { pathToFileURL } from "node:url";
import { type Server, serve } from "bun";
import { createApp } from "../app";
import type { Deps } from "../deps";
import { closeDeps, type Listening, runServer } from "../node/main";
import { createBunWebSockets, isUpgradeRequest } from "./websockets";

/**
 * Starts Bun's native HTTP server on the configured host and port, with the WebSocket endpoints on
 * the same port. Resolves once listening. `close()` stops accepting, lets in-flight requests finish
 * within SHUTDOWN_GRACE_MS (then closes what is left), then closes the database.
 *
 * Bun's `idleTimeout` is switched off: its default (10 s, enforced at about 12 s) closes a GET whose
 * connection has been quiet that long, which cuts an SSE stream (`GET /runs/:id/events`) between
 * its 15 s keep-alives. Node puts no such limit on a response.
 *
 * @example
 * const { close, port } = await startBunServer(deps);
 */
export async function startBunServer(
  deps: Deps,
  options: { beforeDatabaseClose?: () => Promise<void> } = {},
): Promise<Listening & { server: Server }> {
  const { config, log } = deps;
  const app = createApp(deps);
  const websockets = createBunWebSockets(deps);
  const server = serve({
    port: config.server.port,
    hostname: config.server.host,
    idleTimeout: 0,
    // Bodies are limited by the app (413 with our envelope, MAX_BODY_BYTES); Bun's own cap must not come first.
    maxRequestBodySize: Math.max(config.server.maxBodyBytes * 2, 128 * 1024 * 1024),
    fetch: (request, bun) => (isUpgradeRequest(request) ? websockets.fetch(request, bun) : app.fetch(request, bun)),
    websocket: websockets.websocket,
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Stops listening at once; resolves when in-flight requests and WebSockets are done.
      const stopped = server.stop();
      const force = setTimeout(() => {
        log.warn({ graceMs: config.server.shutdownGraceMs }, "Grace period over; closing remaining connections");
        void server.stop(true);
      }, config.server.shutdownGraceMs);
      force.unref();
      // WebSocket clients are told goodbye (1001).
      await websockets.close();
      await stopped;
      clearTimeout(force);
      await closeDeps(deps, options.beforeDatabaseClose);
    })();
    return closing;
  };
  return { server, port: server.port, close };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runServer(startBunServer, { runtime: `bun ${process.versions.bun}` });
}
