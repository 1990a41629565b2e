import { createRoute } from "@hono/zod-openapi";
import { type ComputerAction, ComputerUseRequest } from "../../src/desktop/actions";
import { defineEndpoint } from "../../src/http/endpoint";
import { commonErrors, jsonResponse } from "../../src/http/schemas";
import { ComputerUseResultSchema, desktopErrors } from "./schemas";

/**
 * POST /computer-use — one of Bytebot's 16 desktop actions (B§4.1), run on the configured X display
 * through the executor. Answers 200 with the action's result (Bytebot answered 201).
 */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/computer-use",
    tags: ["computer use"],
    summary: "Run a desktop action (mouse, keyboard, screenshot, files, applications)",
    request: { body: { content: { "application/json": { schema: ComputerUseRequest } }, required: true } },
    responses: { 200: jsonResponse(ComputerUseResultSchema, "The action's result"), ...desktopErrors, ...commonErrors },
  }),
  async (c) => {
    const { taskId, ...action } = c.req.valid("json") as ComputerAction & { taskId?: string };
    const result = await c.var.deps.desktop.run(action as ComputerAction, { source: "http", taskId, signal: c.req.raw.signal });
    return c.json(result as Record<string, unknown>, 200);
  },
);
