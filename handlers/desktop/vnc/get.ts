import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { HttpError } from "../../../src/http/errors";
import { commonErrors, errorResponse } from "../../../src/http/schemas";

const VncQuery = z.object({
  taskId: z
    .string()
    .optional()
    .openapi({ description: "Drive this task's desktop: input is relayed only while the task is under USER control" }),
  token: z.string().optional().openapi({ description: "Bearer token, for browsers (they cannot set headers on a WebSocket)" }),
});

/**
 * GET /desktop/vnc — the live desktop view's WebSocket (RFB, for noVNC). The Node and Bun servers
 * upgrade this path before routing (src/node/vnc-websocket.ts, src/bun/vnc-websocket.ts), so a
 * request that reaches here did not ask to upgrade — or runs where there is no relay (Workers).
 */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/desktop/vnc",
    tags: ["computer use"],
    summary: "WebSocket: the desktop over RFB (noVNC), view-only unless the task is under USER control",
    request: { query: VncQuery },
    responses: {
      101: { description: "Switching Protocols" },
      426: errorResponse("Not a WebSocket handshake"),
      503: errorResponse("No live view here (no VNC server, or too many viewers)"),
      ...commonErrors,
    },
  }),
  (c) => {
    if (!c.var.deps.vnc) throw new HttpError(503, "The live desktop view needs the Node or Bun server; this runtime has no TCP");
    throw new HttpError(426, "This endpoint speaks WebSocket only: connect with Upgrade: websocket", {
      headers: { Upgrade: "websocket" },
    });
  },
);
