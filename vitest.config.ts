import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start real servers and processes; two cores are shared, so keep parallelism modest.
    maxWorkers: 2,
  },
});
