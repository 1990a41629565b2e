import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, jsonResponse } from "../../../src/http/schemas";
import { TASK_KINDS } from "../../../src/tasks/types";

const ModelOption = z
  .object({
    provider: z.string(),
    name: z.string(),
    title: z.string(),
    contextWindow: z.number().int().optional(),
    kind: z.enum(TASK_KINDS),
  })
  .openapi("TaskModelOption");

/** GET /tasks/models — what a task can run on (§2.3): the agent CLIs found here, then configured LLM providers. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/tasks/models",
    tags: ["tasks"],
    summary: "Models a task can use",
    responses: { 200: jsonResponse(z.array(ModelOption), "Send one as `model` in POST /tasks"), ...commonErrors },
  }),
  async (c) => c.json(await c.var.deps.taskEngine.models(), 200),
);
