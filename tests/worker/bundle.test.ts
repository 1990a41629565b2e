import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleForWorkers, describeFindings, findNodeOnly, ROOT } from "./bundle";

describe("the Workers bundle", () => {
  const fixtures = mkdtempSync(join(ROOT, "tests", "worker", ".fixture-"));
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

  it("pulls in no Node built-in and no Node-only package", async () => {
    const { metafile } = await bundleForWorkers("src/worker.ts");
    expect(describeFindings(findNodeOnly(metafile))).toEqual([]);
    const inputs = Object.keys(metafile.inputs);
    // The Workers choices are really the ones bundled.
    expect(inputs).toContain("node_modules/@libsql/client/lib-esm/web.js");
    expect(inputs).toContain("node_modules/pino/browser.js");
    expect(inputs.some((input) => input.startsWith("node_modules/@upstash/redis/"))).toBe(true);
    expect(inputs).toContain("src/exec/sidecar.ts");
    expect(inputs).toContain("handlers/cursor/execute/async/post.ts");
  });

  it("imports nothing from outside the bundle but the Workers runtime", async () => {
    const { metafile } = await bundleForWorkers("src/worker.ts");
    const external = Object.values(metafile.inputs).flatMap((input) =>
      input.imports.filter((i) => i.external).map((i) => i.path),
    );
    expect([...new Set(external)]).toEqual(["cloudflare:workers"]);
  });

  it("names a Node-only import and the chain that pulled it in (the check itself works)", async () => {
    const entry = join(fixtures, "tainted.ts");
    writeFileSync(
      entry,
      'export { createLocalExecutor } from "../../../src/exec/local";\nexport { createClient } from "@libsql/client/node";\n',
    );
    const findings = describeFindings(findNodeOnly((await bundleForWorkers(entry)).metafile));
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^node:child_process \(Node built-in\) via .*tainted\.ts → src\/exec\/local\.ts/),
        expect.stringMatching(/^src\/exec\/local\.ts \(the local \(child process\) executor\)/),
        expect.stringMatching(/^node_modules\/@libsql\/client\/lib-esm\/node\.js \(@libsql\/client's Node \(file:\) entry\)/),
      ]),
    );
  });
});
