import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTargetAppRunner } from "../../src/repos/target-app";
import { extractTestResults } from "../../src/repos/test-results";

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "target-app-"));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("extractTestResults", () => {
  it("parses RSpec and Jest summaries", () => {
    expect(extractTestResults("Finished in 1s\n12 examples, 2 failures", false)).toEqual({
      passed: 10,
      failed: 2,
      total: 12,
      success: false,
    });
    expect(extractTestResults("1 example, 0 failures", true)).toEqual({ passed: 1, failed: 0, total: 1, success: true });
    expect(extractTestResults("Tests:       1 failed, 5 passed, 6 total", false)).toEqual({
      passed: 5,
      failed: 1,
      total: 6,
      success: false,
    });
    expect(extractTestResults("Tests  3 passed (3)", true)).toEqual({ passed: 3, failed: 0, total: 0, success: true });
    expect(extractTestResults("nothing useful", true)).toEqual({ passed: 0, failed: 0, total: 0, success: true });
  });
});

describe("target app runner", () => {
  it("runs `npm test` for a node app and parses its Jest-style summary", async () => {
    const app = join(base, "node-app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({
        name: "app",
        scripts: { test: "node -e \"console.log('Tests:       1 failed, 4 passed, 5 total'); process.exit(1)\"" },
      }),
    );
    const runner = createTargetAppRunner({ path: app, type: "node", timeoutMs: 60_000, maxOutputBytes: 1024 * 1024 });
    await runner.validate();
    const run = await runner.runTests();
    expect(run).toMatchObject({ success: false, exitCode: 1, passed: { passed: 4, failed: 1, total: 5 } });
  });

  it("runs `bundle exec rspec` for a rails app", async () => {
    const app = join(base, "rails-app");
    const bin = join(base, "bin");
    mkdirSync(app);
    mkdirSync(bin);
    writeFileSync(join(bin, "bundle"), '#!/bin/sh\necho "args: $*"\necho "3 examples, 0 failures"\n');
    chmodSync(join(bin, "bundle"), 0o755);
    const runner = createTargetAppRunner({
      path: app,
      type: "rails",
      timeoutMs: 60_000,
      maxOutputBytes: 1024 * 1024,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    const run = await runner.runTests();
    expect(run.output).toContain("args: exec rspec");
    expect(run).toMatchObject({ success: true, exitCode: 0, passed: { passed: 3, failed: 0, total: 3, success: true } });
  });

  it("reports a missing app path and a missing binary", async () => {
    const runner = createTargetAppRunner({
      path: join(base, "nope"),
      type: "rails",
      timeoutMs: 1000,
      maxOutputBytes: 1024,
      env: { PATH: "/nonexistent" },
    });
    await expect(runner.validate()).rejects.toMatchObject({
      status: 404,
      message: `Target application path does not exist: ${join(base, "nope")}`,
    });
    const run = await runner.runTests(base);
    expect(run).toMatchObject({ success: false, error: "Could not start bundle: ENOENT" });
  });
});
