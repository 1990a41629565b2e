import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { makeTestContext } from "../support/deps";
import { startSidecarProcess } from "../support/sidecar-process";
import { desktopEnv, desktopSuite } from "./suite";

const dir = mkdtempSync(join(tmpdir(), "desktop-sidecar-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The same suite with EXECUTOR=sidecar: every X tool and coreutils command runs in a real sidecar
// process (`npm run sidecar`), whose root holds the files root.
desktopSuite(
  "through a real sidecar (EXECUTOR=sidecar)",
  async (x) => {
    const filesRoot = join(dir, "files");
    const outside = join(dir, "outside");
    mkdirSync(filesRoot, { recursive: true });
    mkdirSync(outside, { recursive: true });
    const sidecar = await startSidecarProcess(dir);
    const ctx = await makeTestContext({
      ...desktopEnv(x, filesRoot),
      EXECUTOR: "sidecar",
      SIDECAR_URL: sidecar.url,
      SIDECAR_TOKEN: sidecar.token,
    });
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
        // Every command really ran on the sidecar, and none is left running there.
        const { body } = await sidecar.get("/v1/processes");
        expect(body.processes.length).toBeGreaterThan(20);
        await sidecar.stop();
      },
    };
  },
  dir,
);
