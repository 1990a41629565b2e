import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureWorkspaceTrust } from "../../src/repos/workspace-trust";
import { makeTestContext, type TestContext } from "../support/deps";

let ctx: TestContext;
let repo: string;

const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args], { cwd: repo, encoding: "utf8" }).trim();

beforeEach(async () => {
  ctx = await makeTestContext();
  repo = join(ctx.dir, "repositories", "app");
  mkdirSync(repo, { recursive: true });
  execFileSync("git", ["init", "-q", "-b", "main", repo]);
  writeFileSync(join(repo, "README.md"), "hi\n");
  git("add", "-A");
  git("commit", "-q", "-m", "init");
});
afterEach(() => ctx.cleanup());

const readJson = (path: string) => JSON.parse(readFileSync(join(repo, path), "utf8"));

describe("ensureWorkspaceTrust", () => {
  it("writes §10.5's files, merging existing settings, and is idempotent", async () => {
    mkdirSync(join(repo, ".vscode"));
    writeFileSync(join(repo, ".vscode/settings.json"), JSON.stringify({ "editor.tabSize": 4 }));
    const first = await ensureWorkspaceTrust(repo);
    expect(first.written.sort()).toEqual([".cursor/cli.json", ".cursor/settings.json", ".vscode/settings.json"]);
    expect(first.errors).toEqual([]);
    expect(readJson(".vscode/settings.json")).toMatchObject({ "editor.tabSize": 4, "security.workspace.trust.enabled": true });
    expect(readJson(".cursor/cli.json").permissions).toMatchObject({ deny: [] });
    expect(readJson(".cursor/cli.json").permissions.allow).toContain("Shell(git)");
    expect(readFileSync(join(repo, ".cursor/cli.json"), "utf8").endsWith("}\n")).toBe(true);
    const second = await ensureWorkspaceTrust(repo);
    expect(second.written).toEqual([]);
    expect(readFileSync(join(repo, ".git/info/exclude"), "utf8").match(/\/\.cursor\/cli\.json/g)).toHaveLength(1);
  });

  it("keeps the trust files out of commits (git status, and our own commit)", async () => {
    const result = await ensureWorkspaceTrust(repo);
    expect(result.excluded).toBe(true);
    expect(git("status", "--porcelain")).toBe("");
    writeFileSync(join(repo, "feature.ts"), "x\n");
    const commit = await ctx.deps.repos.git.commit({ repository: "app", message: "Feature" });
    expect(commit.files).toEqual(["feature.ts"]);
    expect(git("show", "--name-only", "--format=", "HEAD")).toBe("feature.ts");
  });

  it("leaves a trust file the repository tracks alone", async () => {
    mkdirSync(join(repo, ".vscode"));
    writeFileSync(join(repo, ".vscode/settings.json"), '{"tracked":true}');
    git("add", "-A");
    git("commit", "-q", "-m", "settings");
    const result = await ensureWorkspaceTrust(repo);
    expect(result.skipped).toEqual([".vscode/settings.json"]);
    expect(readFileSync(join(repo, ".vscode/settings.json"), "utf8")).toBe('{"tracked":true}');
    expect(git("status", "--porcelain")).toBe("");
  });

  it("never throws, even for a directory that is not there or not a repository", async () => {
    const plain = mkdtempSync(join(tmpdir(), "trust-"));
    try {
      expect((await ensureWorkspaceTrust(plain)).excluded).toBe(false);
      writeFileSync(join(plain, "blocker"), "");
      const broken = await ensureWorkspaceTrust(join(plain, "blocker"));
      expect(broken.errors.length).toBeGreaterThan(0);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
