// Node-only: serves a scripted Hono app on a free 127.0.0.1 port (node:http via @hono/node-server).
import { type ServerType, serve } from "@hono/node-server";
import type { Hono } from "hono";

/** Serves `app` on 127.0.0.1 at a port the kernel picks: its origin, and a close() that resolves once stopped. */
export async function serveLocal(app: Hono): Promise<{ origin: string; close(): Promise<void> }> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
