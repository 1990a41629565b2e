import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../../src/http/schemas";
import { CheckoutBodySchema, CheckoutResultSchema } from "../schemas";

/** POST /git/checkout — switches branch, creating it with `create: true`. */
export default defineEndpoint(
  createRoute({
    method: "post",
    path: "/git/checkout",
    tags: ["git"],
    summary: "Check out a branch",
    request: { body: { content: { "application/json": { schema: CheckoutBodySchema } }, required: true } },
    responses: {
      200: jsonResponse(CheckoutResultSchema, "The branch now checked out"),
      400: errorResponse("Invalid repository or branch name"),
      404: errorResponse("Repository or branch not found"),
      409: errorResponse("Local changes would be overwritten"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const result = await c.var.deps.repos.git.checkout(c.req.valid("json"));
    return c.json({ success: true as const, ...result }, 200);
  },
);
