import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import type { RunEvent } from "../../../../src/agents/events";
import { defineEndpoint } from "../../../../src/http/endpoint";
import { HttpError } from "../../../../src/http/errors";
import { commonErrors, errorResponse } from "../../../../src/http/schemas";
import { publicRun } from "../../../../src/runs/compat";
import { RunIdParams } from "../../schemas";

const KEEP_ALIVE_MS = 15_000;
/** A client this far behind is dropped rather than buffered without bound. */
const MAX_BUFFERED = 10_000;

/**
 * GET /runs/:id/events — Server-Sent Events: replays the run's events after `Last-Event-ID` (header,
 * or `?lastEventId=`), then follows live ones; `: keep-alive` comments every 15 s; a final
 * `event: end` carries the settled run.
 */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/runs/{id}/events",
    tags: ["runs"],
    summary: "Follow a run's events (SSE)",
    request: {
      params: RunIdParams,
      query: z.object({
        lastEventId: z.string().regex(/^\d+$/, { error: "lastEventId must be a non-negative integer" }).optional(),
      }),
      headers: z.object({
        "last-event-id": z.string().regex(/^\d+$/, { error: "Last-Event-ID must be a non-negative integer" }).optional(),
      }),
    },
    responses: {
      200: {
        description: "An event stream (id = event seq, event = event type, data = the event as JSON)",
        content: { "text/event-stream": { schema: z.string() } },
      },
      404: errorResponse("Run not found"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { runs } = c.var.deps;
    const { id } = c.req.valid("param");
    if (!(await runs.get(id))) throw new HttpError(404, "Run not found");
    const after = Number(c.req.valid("header")["last-event-id"] ?? c.req.valid("query").lastEventId ?? 0);

    return streamSSE(c, async (stream) => {
      let lastSent = after;
      let ended = false;
      let wake: (() => void) | undefined;
      const buffer: RunEvent[] = [];
      const nudge = () => wake?.();
      // Subscribe before replaying so nothing falls between the stored log and the live feed.
      const unsubscribe = runs.subscribe(id, {
        onEvent: (event) => {
          buffer.push(event);
          if (buffer.length > MAX_BUFFERED) void stream.close();
          nudge();
        },
        onEnd: () => {
          ended = true;
          nudge();
        },
      });
      if (!unsubscribe) ended = true;
      stream.onAbort(() => {
        ended = true;
        nudge();
      });

      const send = async (events: RunEvent[]) => {
        for (const event of events) {
          if (event.seq <= lastSent || stream.aborted) continue;
          await stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
          lastSent = event.seq;
        }
      };

      try {
        await send(await runs.readEvents(id, after));
        while (!stream.aborted) {
          await send(buffer.splice(0));
          if (ended) break;
          const timedOut = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), KEEP_ALIVE_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          wake = undefined;
          if (timedOut) await stream.write(": keep-alive\n\n");
        }
        if (!stream.aborted) {
          await send([...buffer.splice(0), ...(await runs.readEvents(id, lastSent))]);
          const run = await runs.get(id);
          if (run) await stream.writeSSE({ event: "end", data: JSON.stringify(publicRun(run)) });
        }
      } finally {
        unsubscribe?.();
      }
    });
  },
);
