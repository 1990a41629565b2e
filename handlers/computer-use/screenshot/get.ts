import { createRoute, z } from "@hono/zod-openapi";
import { TaskId } from "../../../src/desktop/actions";
import { base64ToBytes } from "../../../src/exec/base64";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors } from "../../../src/http/schemas";
import { desktopErrors } from "../schemas";

const ScreenshotQuery = z.object({
  scale: z.coerce
    .number({ error: "scale must be a number above 0 and at most 1" })
    .gt(0, "scale must be more than 0")
    .max(1, "scale must be at most 1 (screenshots are never enlarged)")
    .optional()
    .openapi({ description: "Shrink factor, e.g. 0.5 (default DESKTOP_SCREENSHOT_SCALE)" }),
  taskId: TaskId,
});

/** GET /computer-use/screenshot — the screen as a raw PNG (image/png), for browsers and curl. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/computer-use/screenshot",
    tags: ["computer use"],
    summary: "Screenshot as image/png",
    request: { query: ScreenshotQuery },
    responses: {
      200: { description: "The screen, PNG", content: { "image/png": { schema: z.string().openapi({ format: "binary" }) } } },
      ...desktopErrors,
      ...commonErrors,
    },
  }),
  async (c) => {
    const { scale, taskId } = c.req.valid("query");
    const result = await c.var.deps.desktop.run(
      { action: "screenshot", scale },
      { source: "http", taskId, signal: c.req.raw.signal },
    );
    const bytes = "image" in result ? base64ToBytes(result.image) : new Uint8Array(0);
    return c.body(bytes.buffer as ArrayBuffer, 200, { "Content-Type": "image/png", "Cache-Control": "no-store" });
  },
);
