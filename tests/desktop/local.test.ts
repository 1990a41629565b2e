import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { makeTestContext } from "../support/deps";
import { desktopEnv, desktopSuite } from "./suite";

const dir = mkdtempSync(join(tmpdir(), "desktop-local-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

desktopSuite(
  "local executor",
  async (x) => {
    const filesRoot = join(dir, "files");
    const outside = join(dir, "outside");
    mkdirSync(filesRoot, { recursive: true });
    mkdirSync(outside, { recursive: true });
    const ctx = await makeTestContext({ ...desktopEnv(x, filesRoot) });
    return {
      filesRoot,
      outside,
      post: async (body, init = {}) => {
        const res = await ctx.app.request("/computer-use", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
          signal: init.signal,
        });
        return { status: res.status, body: (await res.json()) as Record<string, any> };
      },
      get: async (path) => ctx.app.request(path),
      stop: async () => {
        ctx.deps.desktop.close();
        ctx.cleanup();
      },
    };
  },
  dir,
);
