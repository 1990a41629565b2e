import type { MiddlewareHandler } from "hono";

const DEFAULT_ORIGINS = ["http://localhost:3002", "http://localhost:80", "http://localhost", "https://localhost"];

/**
 * CORS exactly as the original (§2.1). Hand-written because hono/cors differs where clients may
 * notice: the original sets the Allow-* headers on every response and answers *any* OPTIONS with
 * 200 "OK" before routing, preflight or not.
 */
export function cors(options: { frontendUrl?: string | undefined; reflectAnyOrigin: boolean }): MiddlewareHandler {
  const allowed = new Set(options.frontendUrl ? [...DEFAULT_ORIGINS, options.frontendUrl] : DEFAULT_ORIGINS);
  return async (c, next) => {
    const origin = c.req.header("Origin");
    const headers: Record<string, string> = {
      "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
      "Access-Control-Allow-Headers": "Content-Type, Authorization",
      "Access-Control-Allow-Credentials": "true",
    };
    if (origin && (allowed.has(origin) || options.reflectAnyOrigin)) {
      headers["Access-Control-Allow-Origin"] = origin;
      headers.Vary = "Origin";
    }
    if (c.req.method === "OPTIONS") {
      return c.text("OK", 200, headers);
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
