import { z } from "@hono/zod-openapi";
import { errorResponse } from "../../src/http/schemas";

/** Whatever the action answers (Bytebot's shapes, B§2.4): {success}, {image,width,height}, {x,y}, a file, an application state. */
export const ComputerUseResultSchema = z.record(z.string(), z.unknown()).openapi("ComputerUseResult", {
  description:
    "`{success:true}` for input actions and wait; `{image, width, height}` (base64 PNG) for screenshot; `{x, y}` for " +
    "cursor_position; `{success, data, name, size, mediaType}` for read_file; `{success, message}` for write_file; " +
    "`{success, application, state, window?}` for application",
});

/** The errors every computer-use route may answer with. */
export const desktopErrors = {
  400: errorResponse("Unknown action, missing or bad field (named in the message), unknown key, off-screen coordinate"),
  403: errorResponse("A file path outside DESKTOP_FILES_ROOT (also through a symbolic link)"),
  404: errorResponse("read_file: no such file"),
  413: errorResponse("A file or screenshot larger than its cap"),
  502: errorResponse("An X tool failed (its error output in the message)"),
  503: errorResponse("Computer use is off (DESKTOP_ENABLED), no X display answers at DISPLAY, or a tool is not installed"),
  504: errorResponse("The action did not finish within DESKTOP_ACTION_TIMEOUT_MS"),
} as const;
