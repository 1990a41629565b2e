import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { createWorkerLogger } from "../../src/worker/log";
import { bundleForWorkers, ROOT } from "./bundle";

describe("the Workers logger (pino's browser build, as bundled for workerd)", () => {
  const dir = mkdtempSync(join(ROOT, "tests", "worker", ".log-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = async () => {
    const { code, metafile } = await bundleForWorkers("src/worker/log.ts");
    expect(Object.keys(metafile.inputs)).toContain("node_modules/pino/browser.js");
    const file = join(dir, "log.mjs");
    writeFileSync(file, code);
    return (await import(pathToFileURL(file).href)) as { createWorkerLogger: typeof createWorkerLogger };
  };

  it("writes one JSON line per entry, with level, time, service and serialised errors", async () => {
    const { createWorkerLogger } = await load();
    const lines: string[] = [];
    const log = createWorkerLogger("info", (line) => lines.push(line));
    log.debug("not at info");
    log.info({ runId: "r1" }, "Run started");
    log.error({ err: new Error("boom") }, "Run failed");
    expect(lines).toHaveLength(2);
    const [started, failed] = lines.map((line) => JSON.parse(line));
    expect(started).toMatchObject({ level: 30, service: "cursor-runner", runId: "r1", msg: "Run started" });
    expect(Date.parse(started.time)).not.toBeNaN();
    expect(failed).toMatchObject({ level: 50, err: { type: "Error", msg: "boom", stack: expect.stringContaining("boom") } });
  });

  it("redacts secrets by key, as the Node logger does", async () => {
    const { createWorkerLogger } = await load();
    const lines: string[] = [];
    const log = createWorkerLogger("info", (line) => lines.push(line));
    log.warn(
      { token: "t1", headers: { authorization: "Bearer x", "x-webhook-secret": "s" }, nested: { deep: { apiKey: "k" } } },
      "x",
    );
    const entry = JSON.parse(lines[0] ?? "{}");
    expect(entry.token).toBe("[redacted]");
    expect(entry.headers).toEqual({ authorization: "[redacted]", "x-webhook-secret": "[redacted]" });
    expect(entry.nested.deep.apiKey).toBe("[redacted]");
    expect(lines[0]).not.toMatch(/t1|Bearer x|"s"|"k"/);
  });
});
