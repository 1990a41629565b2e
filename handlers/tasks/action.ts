import { createRoute } from "@hono/zod-openapi";
import { defineEndpoint, type Endpoint } from "../../src/http/endpoint";
import { commonErrors, errorResponse, jsonResponse } from "../../src/http/schemas";
import { publicTask } from "../../src/tasks/public";
import type { TaskService } from "../../src/tasks/service";
import type { TaskRecord } from "../../src/tasks/types";
import { TaskIdParams, TaskSchema } from "./schemas";

/**
 * `POST /tasks/:id/<action>` — the lifecycle operations share one shape: a task id in, the task
 * as it now is out, 404 for an unknown task and the operation's own refusals.
 */
export function taskAction(options: {
  action: "takeover" | "resume" | "cancel" | "abort" | "process";
  summary: string;
  description: string;
  refusals: Partial<Record<400 | 409, string>>;
  status?: 200 | 202;
  run: (service: TaskService, id: string) => Promise<TaskRecord>;
}): Endpoint {
  const status = options.status ?? 200;
  const refusals = Object.fromEntries(Object.entries(options.refusals).map(([code, text]) => [code, errorResponse(text)]));
  return defineEndpoint(
    createRoute({
      method: "post",
      path: `/tasks/{id}/${options.action}`,
      tags: ["tasks"],
      summary: options.summary,
      description: options.description,
      request: { params: TaskIdParams },
      responses: {
        [status]: jsonResponse(TaskSchema, "The task, as it now is"),
        404: errorResponse("Task with ID <id> not found"),
        ...refusals,
        ...commonErrors,
      },
    }),
    async (c) => {
      const task = await options.run(c.var.deps.taskEngine.service, c.req.valid("param").id);
      // The status code is chosen per action, which the route's static response types cannot follow.
      return c.json(publicTask(task), status) as never;
    },
  );
}
