import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DISABLED_MESSAGE } from "../../../src/desktop/display";
import { handleMcpRequest } from "../../../src/desktop/mcp";
import type { Endpoint } from "../../../src/http/endpoint";
import type { AppEnv } from "../../../src/http/env";
import { HttpError } from "../../../src/http/errors";
import { commonErrors, errorResponse } from "../../../src/http/schemas";

const route = createRoute({
  method: "post",
  path: "/mcp/computer",
  tags: ["computer use"],
  summary: "MCP server (streamable HTTP, stateless): the 16 computer_* tools",
  description:
    "JSON-RPC 2.0 as the MCP streamable HTTP transport sends it (initialize, tools/list, tools/call). Answers JSON; " +
    "GET and DELETE answer 405 (no server-initiated stream, no sessions).",
  request: {
    body: { content: { "application/json": { schema: z.unknown().openapi({ description: "A JSON-RPC message or batch" }) } } },
  },
  responses: {
    200: { description: "JSON-RPC answer", content: { "application/json": { schema: z.unknown() } } },
    202: { description: "A notification or response was accepted" },
    503: errorResponse("Computer use is off (DESKTOP_ENABLED)"),
    ...commonErrors,
  },
});

async function post(c: Context<AppEnv>) {
  const { desktop } = c.var.deps;
  if (!desktop.enabled) throw new HttpError(503, DISABLED_MESSAGE);
  return handleMcpRequest(desktop, c.req.raw, await c.req.json());
}

const notAllowed = () =>
  new Response(
    JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: POST only (stateless)" }, id: null }),
    {
      status: 405,
      headers: { Allow: "POST", "Content-Type": "application/json" },
    },
  );

/**
 * POST /mcp/computer — the desktop as an MCP server (B§5.2) behind the same bearer auth as every
 * route. Mounted without the zod validator (the MCP SDK validates JSON-RPC itself) but documented.
 */
const endpoint: Endpoint = {
  route,
  mount: (app) => {
    app.openAPIRegistry.registerPath(route);
    app.post("/mcp/computer", post);
    app.on(["GET", "DELETE"], "/mcp/computer", notAllowed);
  },
};

export default endpoint;
