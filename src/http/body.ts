import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HttpError } from "./errors";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const mediaType = (header: string | undefined) => (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

/** Rejects bodies over `maxBytes` with 413 before they are read into memory. */
export function limitBody(maxBytes: number, variable = "MAX_BODY_BYTES"): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError(413, `Request body is larger than ${maxBytes} bytes; send a smaller body or raise ${variable}`);
    },
  });
}

/**
 * Every request body is JSON. A non-empty body of another type → 415; malformed JSON → 400 naming
 * the parse error; an empty body counts as `{}` so validation can say which field is missing. The
 * parsed value is put in Hono's body cache, where the zod validators read it.
 */
export function jsonBody(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
    const type = c.req.header("Content-Type");
    if (!JSON_TYPE.test(mediaType(type))) {
      // A declared body of the wrong type is refused unread; otherwise look (bounded by limitBody).
      const length = Number(c.req.header("Content-Length") ?? Number.NaN);
      const hasBody = length > 0 || (Number.isNaN(length) && (await c.req.text()).length > 0);
      if (hasBody) throw new HttpError(415, `Content-Type must be application/json (got ${type ? `"${type}"` : "none"})`);
      return next();
    }
    const text = await c.req.text();
    let parsed: unknown = {};
    if (text.trim() !== "") {
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new HttpError(400, `Malformed JSON in request body: ${(error as Error).message}`);
      }
    }
    c.req.bodyCache.json = Promise.resolve(parsed);
    // Hono's c.req.json() (and so the zod validator) re-parses the cached text, not bodyCache.json;
    // a blank body must read as "{}" there too, or it fails as "Malformed JSON" before validation.
    if (text.trim() === "") (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve("{}");
    return next();
  };
}
