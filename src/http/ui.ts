import type { Hono } from "hono";
import type { AppEnv } from "./env";

/**
 * The built web UI's files (`dist/ui`, made by `npm run build:ui`), read through whatever the
 * runtime has: the disk on Node (src/node/ui-assets.ts), the `ASSETS` binding on Workers
 * (src/worker/ui-assets.ts). `path` is relative to the build folder ("index.html",
 * "assets/index-3f2a1b.js") and already checked to stay inside it.
 */
export interface UiAssets {
  /** The file's bytes, or null when there is no such file (or no build at all). */
  read(path: string): Promise<Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null>;
}

/** Where the UI's files are served from: `/` is index.html, everything else lives under this prefix. */
export const UI_PREFIX = "/ui/";

/** Routes the UI owns; public, so the page can load and ask for the token. Everything else is the API's. */
export const isUiPath = (path: string) => path === "/" || path.startsWith(UI_PREFIX);

/**
 * No inline script or style, nothing from another origin (no CDN): scripts, styles, fonts and
 * images come from this server; `connect-src 'self'` covers fetch, the run event streams and the
 * same-origin WebSocket.
 */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  webp: "image/webp",
  woff2: "font/woff2",
  txt: "text/plain; charset=utf-8",
};

/** Vite's hashed output: the name changes with the content, so it may be cached for good. */
const HASHED = /^assets\/[\w.-]+-[\w-]{8,}\.\w+$/;
/** What a request may name: plain relative segments, no dot-segments, no backslashes or encoded tricks. */
const SAFE_PATH = /^(?:[\w-][\w.-]*\/)*[\w-][\w.-]*$/;

const NOT_BUILT =
  "The web UI has not been built. Run `npm run build:ui` (npm start and npm test build it automatically), then reload.";

function uiHeaders(path: string): Record<string, string> {
  const extension = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return {
    "Content-Type": CONTENT_TYPES[extension] ?? "application/octet-stream",
    "Cache-Control": HASHED.test(path) ? "public, max-age=31536000, immutable" : "no-cache",
    "Content-Security-Policy": UI_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
  };
}

/**
 * Mounts the web UI: `GET /` answers the single page (hash-routed, so no UI path can shadow an API
 * route) and `GET /ui/*` its assets. Both are public like `/health` (bearerAuth lets them through);
 * the page then sends `Authorization: Bearer` on every API call itself.
 *
 * @example
 * mountUi(app, { read: async (path) => readFile(join(dist, path)).catch(() => null) });
 */
export function mountUi(app: Hono<AppEnv>, assets: UiAssets | undefined): void {
  const serve = async (path: string, method: string) => {
    const body = assets && SAFE_PATH.test(path) ? await assets.read(path) : null;
    if (!body) return null;
    return new Response(method === "HEAD" ? null : body, { status: 200, headers: uiHeaders(path) });
  };

  app.on(["GET", "HEAD"], "/", async (c) => {
    const response = await serve("index.html", c.req.method);
    return response ?? c.text(NOT_BUILT, 503, { "Cache-Control": "no-cache", "Retry-After": "5" });
  });
  app.on(["GET", "HEAD"], `${UI_PREFIX}*`, async (c) => {
    const path = c.req.path.slice(UI_PREFIX.length);
    // index.html has one address, `/`; the page's own links never point here.
    if (path === "" || path === "index.html") return c.redirect("/", 308);
    const response = await serve(path, c.req.method);
    return response ?? c.text("Not found", 404, { "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" });
  });
}
