import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The web UI is built first: the server serves dist/ui, and the browser tests load it.
    globalSetup: ["tests/support/build-ui.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start real servers and processes; two cores are shared, so keep parallelism modest.
    maxWorkers: 2,
  },
});
