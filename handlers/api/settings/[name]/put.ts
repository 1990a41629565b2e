import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { SettingNameParams, SettingSchema } from "../schemas";

const VALUE_MESSAGE = "value must be 0 (off) or 1 (on)";
const PutSettingSchema = z
  .object({ value: z.union([z.literal(0), z.literal(1)], { error: VALUE_MESSAGE }) })
  .openapi("PutSetting");

/** PUT /api/settings/:name `{value: 0|1}` — creates or updates a setting. */
export default defineEndpoint(
  createRoute({
    method: "put",
    path: "/api/settings/{name}",
    tags: ["settings"],
    summary: "Turn a system setting on (1) or off (0)",
    request: {
      params: SettingNameParams,
      body: { content: { "application/json": { schema: PutSettingSchema } }, required: true },
    },
    responses: {
      200: jsonResponse(SettingSchema, "The stored setting"),
      400: errorResponse(VALUE_MESSAGE),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const { value } = c.req.valid("json");
    return c.json(await c.var.deps.settings.set(name, value), 200);
  },
);
