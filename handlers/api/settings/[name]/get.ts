import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { commonErrors, errorResponse, jsonResponse } from "../../../../src/http/schemas";
import { SettingNameParams, SettingSchema } from "../schemas";

/** GET /api/settings/:name */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/api/settings/{name}",
    tags: ["settings"],
    summary: "Get one system setting",
    request: { params: SettingNameParams },
    responses: {
      200: jsonResponse(SettingSchema, "The setting"),
      400: errorResponse("Invalid setting name"),
      404: errorResponse("Setting not found"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const setting = await c.var.deps.settings.get(name);
    if (!setting) throw new HttpError(404, `Setting '${name}' not found`);
    return c.json(setting, 200);
  },
);
