import { defineConfig } from "vite";

/**
 * The web UI's build: ui/ → dist/ui (index.html + hashed files under assets/), served by the app
 * at `/` and `/ui/*` (src/http/ui.ts). Preact through Vite's own JSX transform (oxc), no plugins.
 * `npm run dev:ui` serves it with live reload and proxies the API to a running `npm start`.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: "/ui/",
  publicDir: "public",
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../dist/ui",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    // No inline polyfill or data: module: the page's CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: Object.fromEntries(
      ["/health", "/runs", "/api", "/git", "/repositories", "/agents", "/cursor", "/tasks", "/processor"].map((path) => [
        path,
        { target: process.env.RUNNER_URL ?? "http://127.0.0.1:3001", ws: path === "/api" || path === "/tasks" },
      ]),
    ),
  },
});
