import type { MiddlewareHandler } from "hono";
import type { IdempotencyStore } from "../db/idempotency";
import type { AppEnv } from "./env";
import { HttpError } from "./errors";

/** Answers that mean nothing was started: the key is freed so the client may try again with it. */
const NOTHING_STARTED = new Set([400, 401, 403, 404, 413, 415, 422, 429, 503]);
const KEY = /^[\x21-\x7e]{1,255}$/;

const sha256 = async (text: string) => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
};

/**
 * `Idempotency-Key` on the routes that start work (runs, tasks): the first answer is stored in the
 * database; a retry with the same key — on any instance — gets that answer back (with
 * `Idempotent-Replayed: true`) and never starts a second run. While the first request is still
 * being answered a retry gets 409 with Retry-After; the same key with a different body is 422.
 * Keys are per caller (its bearer token) and per route, and kept for `ttlMs`.
 *
 * @example
 * app.use(idempotency({ store, ttlMs: 86_400_000, applies: (method, path) => method === "POST" && path === "/tasks" }));
 */
export function idempotency(options: {
  store: IdempotencyStore;
  ttlMs: number;
  applies: (method: string, path: string) => boolean;
}): MiddlewareHandler<AppEnv> {
  let lastPrune = 0;
  return async (c, next) => {
    const key = c.req.header("Idempotency-Key");
    if (key === undefined || !options.applies(c.req.method, c.req.path)) return next();
    if (!KEY.test(key)) throw new HttpError(400, "Idempotency-Key must be 1 to 255 visible ASCII characters");
    if (Date.now() - lastPrune > 60_000) {
      lastPrune = Date.now();
      void options.store.prune(new Date(Date.now() - options.ttlMs)).catch(() => {});
    }
    const caller = await sha256(c.req.header("Authorization") ?? "");
    const scope = `${caller.slice(0, 32)} ${c.req.method} ${c.req.path}`;
    const fingerprint = await sha256(await c.req.text());
    const reservation = await options.store.reserve(scope, key, fingerprint);
    if (reservation.kind === "mismatch") {
      throw new HttpError(422, "Idempotency-Key was already used for a different request; use a new key for new work");
    }
    if (reservation.kind === "in_progress") {
      throw new HttpError(
        409,
        `A request with this Idempotency-Key is still being answered (since ${reservation.since}); retry shortly`,
        {
          headers: { "Retry-After": "2" },
        },
      );
    }
    if (reservation.kind === "replay") {
      return new Response(reservation.answer.body, {
        status: reservation.answer.status,
        headers: { "Content-Type": reservation.answer.contentType, "Idempotent-Replayed": "true" },
      });
    }
    try {
      await next();
    } catch (error) {
      await options.store.release(scope, key).catch(() => {});
      throw error;
    }
    const status = c.res.status;
    if (NOTHING_STARTED.has(status) || (status === 500 && c.error && !(c.error instanceof HttpError))) {
      await options.store.release(scope, key);
      return;
    }
    const body = await c.res.clone().text();
    await options.store.complete(scope, key, {
      status,
      contentType: c.res.headers.get("Content-Type") ?? "application/json",
      body,
    });
  };
}
