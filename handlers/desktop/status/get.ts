import { createRoute, z } from "@hono/zod-openapi";
import { defineEndpoint } from "../../../src/http/endpoint";
import { commonErrors, DesktopHealthSchema, jsonResponse } from "../../../src/http/schemas";

const DesktopViewStatus = z
  .object({
    desktop: DesktopHealthSchema,
    vnc: z
      .object({
        available: z.boolean(),
        source: z.enum(["x11vnc", "external"]).optional().openapi({ description: "Our own x11vnc, or DESKTOP_VNC_URL" }),
        reason: z.string().optional().openapi({ description: "Why there is no live view (the page then polls screenshots)" }),
        viewers: z.number().int(),
        maxViewers: z.number().int(),
        path: z.literal("/desktop/vnc").openapi({ description: "The WebSocket to give noVNC (?token=, ?taskId=)" }),
      })
      .openapi({ description: "The live view (noVNC → WebSocket relay → VNC server)" }),
    screenshot: z.literal("/computer-use/screenshot").openapi({ description: "The fallback: a PNG of the screen" }),
  })
  .openapi("DesktopViewStatus");

/**
 * GET /desktop/status — what the desktop page can show: the display, and whether the live view
 * (VNC) is available — asking starts x11vnc when it is ours and not running yet — or why not.
 */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/desktop/status",
    tags: ["computer use"],
    summary: "Whether the live desktop view is available",
    responses: { 200: jsonResponse(DesktopViewStatus, "The display and the live view"), ...commonErrors },
  }),
  async (c) => {
    const { desktop, vnc, config } = c.var.deps;
    const [display, live] = await Promise.all([
      desktop.status(),
      vnc
        ? vnc.status()
        : Promise.resolve({
            available: false as const,
            reason:
              "The live desktop view needs the Node or Bun server (this runtime has no TCP); the page shows screenshots instead",
            viewers: 0,
            maxViewers: config.vnc.maxViewers,
          }),
    ]);
    return c.json(
      { desktop: display, vnc: { ...live, path: "/desktop/vnc" }, screenshot: "/computer-use/screenshot" } as const,
      200,
    );
  },
);
