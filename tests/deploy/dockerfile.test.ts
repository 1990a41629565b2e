import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const LINTER = join(ROOT, "node_modules", ".bin", "dockerfile-utils");
const run = promisify(execFile);

/** Lints with dockerfile-utils (hadolint has no Debian 12 package and no Docker engine runs here). */
async function lint(path: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(LINTER, ["lint", path]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

describe("Dockerfile", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");

  it("passes the linter with no finding", async () => {
    expect(await lint(join(ROOT, "Dockerfile"))).toEqual({ code: 0, output: "" });
  });

  it("the linter really rejects a broken Dockerfile (so the check above means something)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dockerfile-"));
    try {
      writeFileSync(join(dir, "Dockerfile"), "FROM node:20\nEXPOSE abc\nRUNN echo\n");
      const result = await lint(join(dir, "Dockerfile"));
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("Unknown instruction: RUNN");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is multi-stage, runs as a non-root user and declares a health check on /health", () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    expect(dockerfile).toMatch(/^HEALTHCHECK [^\n]*\\\n\s*CMD [^\n]*\/health/m);
  });

  it("has a desktop target with the X tools of computer use, while the runner stays the default (last) stage", () => {
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)/gm)].map((m) => m[1]);
    expect(stages).toContain("desktop");
    expect(stages.at(-1)).toBe("runtime");
    const desktop = dockerfile.slice(dockerfile.indexOf("AS desktop"), dockerfile.indexOf("AS runtime"));
    for (const pkg of ["xvfb", "openbox", "xdotool", "imagemagick", "xclip", "wmctrl", "x11-xserver-utils"])
      expect(desktop).toContain(pkg);
    expect(desktop).toMatch(/DESKTOP_ENABLED=true/);
    expect(desktop).toMatch(/^USER node$/m);
  });
});
