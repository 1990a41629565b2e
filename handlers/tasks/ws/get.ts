import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { HttpError } from "../../../src/http/errors";
import { commonErrors, errorResponse } from "../../../src/http/schemas";
import { TASK_WS_PATH } from "../../../src/realtime/topics";

/**
 * GET /tasks/ws — the task engine's WebSocket as plain HTTP sees it: the Node server upgrades the
 * path before routing (src/node/websockets.ts), so a request that reaches here did not ask to.
 */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: TASK_WS_PATH,
    tags: ["realtime", "tasks"],
    summary: "WebSocket: one task's changes, or every task's",
    description:
      'Upgrade with `Upgrade: websocket`. With `?taskId=` the first frame is `{type:"task.snapshot", taskId, task}`; ' +
      'without, `{type:"tasks.subscribed"}` and then every task\'s frames. Frames: `task.created`, `task.updated` ' +
      "(with the task), `task.message` (with the message), `task.deleted`.",
    request: {
      query: z.object({
        taskId: z
          .string()
          .optional()
          .openapi({ param: { name: "taskId", in: "query" } }),
        token: z
          .string()
          .optional()
          .openapi({ param: { name: "token", in: "query" }, description: "Bearer token, for clients that cannot set headers" }),
      }),
    },
    responses: {
      101: { description: "Switching Protocols" },
      400: { description: "Malformed taskId" },
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
