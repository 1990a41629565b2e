import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { commonErrors, errorResponse } from "../../../../src/http/schemas";
import { publicTask } from "../../../../src/tasks/public";
import type { TaskEvent } from "../../../../src/tasks/task-events";
import { TERMINAL_STATUSES } from "../../../../src/tasks/types";
import { TaskIdParams } from "../../schemas";

const KEEP_ALIVE_MS = 15_000;
/** A client this far behind is dropped rather than buffered without bound. */
const MAX_BUFFERED = 10_000;

/**
 * GET /tasks/:id/events — Server-Sent Events of one task, whichever instance changes it: replays
 * its change log after `Last-Event-ID` (header or `?lastEventId=`; without one, a `snapshot` of the
 * task comes first), then follows live. Each event (`task_updated`, `new_message`) carries the task
 * or the message as they are; `: keep-alive` every 15 s; `event: end` once the task is finished
 * (COMPLETED, FAILED, CANCELLED) or deleted.
 */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/tasks/{id}/events",
    tags: ["tasks"],
    summary: "Follow a task (SSE)",
    request: {
      params: TaskIdParams,
      query: z.object({
        lastEventId: z.string().regex(/^\d+$/, { error: "lastEventId must be a non-negative integer" }).optional(),
      }),
      headers: z.object({
        "last-event-id": z.string().regex(/^\d+$/, { error: "Last-Event-ID must be a non-negative integer" }).optional(),
      }),
    },
    responses: {
      200: {
        description: "An event stream (id = position in the change log, event = its type, data = JSON)",
        content: { "text/event-stream": { schema: z.string() } },
      },
      404: errorResponse("Task with ID <id> not found"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { service, events } = c.var.deps.taskEngine;
    const { id } = c.req.valid("param");
    const first = await service.get(id);
    const given = c.req.valid("header")["last-event-id"] ?? c.req.valid("query").lastEventId;
    const after = Number(given ?? 0);

    return streamSSE(c, async (stream) => {
      let lastSent = after;
      let wake: (() => void) | undefined;
      const buffer: TaskEvent[] = [];
      // Subscribe before replaying so nothing falls between the stored log and the live feed.
      const unsubscribe = events.subscribe((event) => {
        if (event.taskId !== id) return;
        buffer.push(event);
        if (buffer.length > MAX_BUFFERED) void stream.close();
        wake?.();
      });
      stream.onAbort(() => wake?.());

      /** Sends events in order; true once the task is finished or gone (the stream then ends). */
      const send = async (list: TaskEvent[]): Promise<boolean> => {
        for (const event of list) {
          if (event.id <= lastSent || stream.aborted) continue;
          lastSent = event.id;
          if (event.type === "task_deleted") {
            await stream.writeSSE({ id: String(event.id), event: event.type, data: JSON.stringify({ taskId: id }) });
            return true;
          }
          const task = await service.get(id).catch(() => null);
          if (!task) return true;
          const messageId = typeof event.data.messageId === "string" ? event.data.messageId : undefined;
          const message = messageId ? await service.message(messageId) : undefined;
          const data = {
            id: event.id,
            taskId: id,
            type: event.type,
            ...event.data,
            task: publicTask(task),
            ...(message ? { message } : {}),
          };
          await stream.writeSSE({ id: String(event.id), event: event.type, data: JSON.stringify(data) });
        }
        return false;
      };

      try {
        await unsubscribe.ready;
        if (given === undefined) await stream.writeSSE({ event: "snapshot", data: JSON.stringify(publicTask(first)) });
        let finished = await send(await events.read(id, after));
        while (!stream.aborted && !finished) {
          const current = await service.get(id).catch(() => null);
          if (!current || TERMINAL_STATUSES.has(current.status)) break;
          finished = await send(buffer.splice(0));
          if (finished) break;
          const timedOut = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), KEEP_ALIVE_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
            if (buffer.length > 0 || stream.aborted) wake();
          });
          wake = undefined;
          if (timedOut) await stream.write(": keep-alive\n\n");
        }
        if (!stream.aborted) {
          await send([...buffer.splice(0), ...(await events.read(id, lastSent))]);
          const final = await service.get(id).catch(() => null);
          await stream.writeSSE({
            event: "end",
            data: JSON.stringify(final ? publicTask(final) : { taskId: id, deleted: true }),
          });
        }
      } finally {
        unsubscribe();
      }
    });
  },
);
