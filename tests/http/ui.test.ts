import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { UI_CSP } from "../../src/http/ui";
import { UI_DIST } from "../../src/node/ui-assets";
import { makeTestContext, type TestContext } from "../support/deps";

// The build exists: vitest's globalSetup (tests/support/build-ui.ts) ran `vite build` first.
const script = readdirSync(join(UI_DIST, "assets")).find((name) => name.endsWith(".js")) as string;
const stylesheet = readdirSync(join(UI_DIST, "assets")).find((name) => name.endsWith(".css")) as string;

describe("serving the web UI (src/http/ui.ts) from dist/ui", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await makeTestContext({ RUNNER_API_TOKENS: "s3cret" });
  });
  afterAll(() => ctx.cleanup());

  it("answers / with index.html, without a token, no-cache and a strict CSP", async () => {
    const res = await ctx.app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toBe(UI_CSP);
    expect(UI_CSP).toContain("script-src 'self'");
    expect(UI_CSP).not.toContain("unsafe-inline");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await res.text();
    expect(html).toContain(`/ui/assets/${script}`);
    // Nothing from another origin: the UI works offline.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("serves hashed assets as immutable, with their content types; HEAD without a body", async () => {
    const js = await ctx.app.request(`/ui/assets/${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await ctx.app.request(`/ui/assets/${stylesheet}`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const head = await ctx.app.request(`/ui/assets/${script}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    // Unhashed files (the favicon, the theme script) are revalidated.
    const icon = await ctx.app.request("/ui/favicon.svg");
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.headers.get("cache-control")).toBe("no-cache");
  });

  it.each([
    "/ui/assets/nope.js",
    "/ui/../package.json",
    "/ui/%2e%2e/package.json",
    "/ui/assets/..%2f..%2fpackage.json",
    "/ui/.hidden",
    "/ui/assets//x.js",
  ])("never serves a file outside the build for %s", async (path) => {
    const res = await ctx.app.request(path);
    // 404 inside /ui/; a path the URL parser normalizes out of /ui/ is an API path, so 401 here.
    expect([401, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('"name": "cursor-runner"');
  });

  it("redirects /ui/ and /ui/index.html to /", async () => {
    for (const path of ["/ui/", "/ui/index.html"]) {
      const res = await ctx.app.request(path);
      expect(res.status).toBe(308);
      expect(res.headers.get("location")).toBe("/");
    }
  });

  it("leaves every API route as it was: still behind the token, still JSON", async () => {
    for (const path of ["/runs", "/runs/7b0f7c1e-1b7e-4a5e-9a55-6f1d1c8f2a10", "/api/list", "/health/queue"]) {
      const res = await ctx.app.request(path);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ success: false, error: "Unauthorized" });
    }
    const res = await ctx.app.request("/runs", { headers: { Authorization: "Bearer s3cret" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBeNull();
    // Only GET and HEAD are public.
    expect((await ctx.app.request("/", { method: "POST" })).status).toBe(401);
  });

  it("says how to build the UI when dist/ui is missing", async () => {
    const empty = mkdtempSync(join(tmpdir(), "cursor-runner-no-ui-"));
    try {
      const { diskUiAssets } = await import("../../src/node/ui-assets");
      const app = createApp({ ...ctx.deps, ui: diskUiAssets(empty) });
      const res = await app.request("/");
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("npm run build:ui");
      expect((await app.request(`/ui/assets/${script}`)).status).toBe(404);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
