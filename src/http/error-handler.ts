import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { errorBody, HttpError } from "./errors";

/**
 * Turns anything thrown into the one error envelope (§2.3). HttpErrors keep their status and
 * message; Hono's own HTTPExceptions keep theirs; conversation-storage outages, and atomic updates
 * that never won against concurrent writers, are 503s (retry later); anything else is a 500 that says only
 * "Internal server error" (the cause goes to the log, never to the client).
 */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const requestId = c.get("requestId");
  if (error instanceof HttpError) {
    if (error.status >= 500) c.var.deps?.log.error({ err: error, requestId }, error.message);
    return c.json(errorBody(error.message, { ...error.extra, requestId }), error.status, error.headers);
  }
  // Conversation storage down (Redis restarting…): worth a retry, not a 500. Matched by name so
  // this module does not depend on the conversations layer.
  if (error.name === "StoreUnavailableError") {
    c.var.deps?.log.warn({ err: error, requestId, path: c.req.path }, "Conversation storage unavailable");
    return c.json(errorBody(`${error.message}; try again shortly`, { requestId }), 503, { "Retry-After": "5" });
  }
  if (error.name === "ConversationConflictError") {
    c.var.deps?.log.warn({ err: error, requestId, path: c.req.path }, "Conversation update lost to concurrent writers");
    return c.json(errorBody(`${error.message}; try again shortly`, { requestId }), 503, { "Retry-After": "1" });
  }
  if (error instanceof HTTPException) {
    const response = error.getResponse();
    if (response.headers.get("Content-Type")?.includes("application/json")) return response;
    return c.json(errorBody(error.message || "Request failed", { requestId }), error.status);
  }
  c.var.deps?.log.error({ err: error, requestId, method: c.req.method, path: c.req.path }, "Unhandled error");
  return c.json(errorBody("Internal server error", { requestId, timestamp: new Date().toISOString() }), 500);
};

/** The original's 404 shape, byte for byte: `{success:false, error:"Route not found", path, method}`. */
export const notFound: NotFoundHandler<AppEnv> = (c: Context<AppEnv>) =>
  c.json({ success: false, error: "Route not found", path: c.req.path, method: c.req.method }, 404);
