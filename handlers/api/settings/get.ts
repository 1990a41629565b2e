import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, jsonResponse } from "../../../src/http/schemas";
import { SettingSchema } from "./schemas";

/** GET /api/settings — every stored system setting (§9.3). */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/api/settings",
    tags: ["settings"],
    summary: "List system settings",
    responses: { 200: jsonResponse(z.array(SettingSchema), "Stored settings, by name"), ...commonErrors },
  }),
  async (c) => c.json(await c.var.deps.settings.list(), 200),
);
