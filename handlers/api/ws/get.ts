import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint, type Endpoint } from "../../../src/http/endpoint";
import { HttpError } from "../../../src/http/errors";
import { commonErrors, errorResponse } from "../../../src/http/schemas";
import { WS_PATHS } from "../../../src/realtime/topics";

const WsQuery = z.object({
  conversationId: z
    .string()
    .optional()
    .openapi({ param: { name: "conversationId", in: "query" } }),
  id: z
    .string()
    .optional()
    .openapi({ param: { name: "id", in: "query" }, description: "Alias of conversationId" }),
  token: z
    .string()
    .optional()
    .openapi({ param: { name: "token", in: "query" }, description: "Bearer token, for clients that cannot set headers" }),
});

/**
 * The WebSocket endpoints (§2.5) as plain HTTP sees them: the Node server upgrades these paths
 * itself (src/node/websockets.ts) before routing, so a request that reaches here did not ask to
 * upgrade. Declared so they are documented in /openapi.json and never read as conversation "ws".
 *
 * @example
 * const endpoints = webSocketEndpoints(); // one per path in WS_PATHS
 */
export function webSocketEndpoint(path: string): Endpoint {
  const family = WS_PATHS[path] ?? "conversation";
  return defineEndpoint(
    createRoute({
      method: "get",
      path,
      tags: ["realtime"],
      summary: `WebSocket: ${family} snapshot, then every change (topic ${family}:{id})`,
      description:
        'Upgrade with `Upgrade: websocket`. Frames: `{type:"' +
        `${family}.snapshot"}\` on connect, then \`${family}.created\` / \`${family}.updated\`, or \`{type:"error"}\`.`,
      request: { query: WsQuery },
      responses: {
        101: { description: "Switching Protocols" },
        400: { description: "Missing conversationId" },
        426: errorResponse("Not a WebSocket handshake"),
        ...commonErrors,
      },
    }),
    () => {
      throw new HttpError(426, "This endpoint speaks WebSocket only: connect with Upgrade: websocket", {
        headers: { Upgrade: "websocket" },
      });
    },
  );
}

export const webSocketEndpoints: Endpoint[] = Object.keys(WS_PATHS).map(webSocketEndpoint);
