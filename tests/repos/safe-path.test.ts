import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveRepository } from "../../src/repos/safe-path";

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "safe-path-"));
  root = join(base, "repositories");
  mkdirSync(join(root, "app"), { recursive: true });
  mkdirSync(join(base, "outside"));
  symlinkSync(join(base, "outside"), join(root, "escape-link"));
  symlinkSync(join(root, "app"), join(root, "app-alias"));
  symlinkSync(root, join(root, "self"));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const REFUSED = [
  "..",
  "../outside",
  "../../etc",
  "a/../../outside",
  "app/..",
  "./..",
  "/etc",
  "/tmp",
  "..\\outside",
  "app\u0000",
  "\u0000",
  "%2e%2e",
  "%2E%2E%2Foutside",
  "..%2f..%2fetc",
  "%252e%252e",
  "%25252e%25252e%25252f",
  "%c0%ae%c0%ae",
  "．．",
  "app/sub",
  ".",
  "-rf",
  "escape-link",
  "self",
  "x".repeat(256),
];

describe("resolveRepository", () => {
  it.each(REFUSED)("refuses %j with 400 Invalid repository name", async (name) => {
    await expect(resolveRepository(root, name)).rejects.toMatchObject({ status: 400, message: "Invalid repository name" });
  });

  it("resolves plain names inside the root, following links that stay inside", async () => {
    expect(await resolveRepository(root, "app")).toEqual({ name: "app", path: join(root, "app"), exists: true });
    expect(await resolveRepository(root, "app-alias")).toEqual({ name: "app-alias", path: join(root, "app"), exists: true });
    expect(await resolveRepository(root, "new-repo")).toEqual({ name: "new-repo", path: join(root, "new-repo"), exists: false });
    expect(await resolveRepository(root, "....")).toMatchObject({ exists: false, path: join(root, "....") });
  });

  it("treats an empty name as required, or as the root when allowed", async () => {
    await expect(resolveRepository(root, "  ")).rejects.toMatchObject({ status: 400, message: "Repository name is required" });
    expect(await resolveRepository(root, "", { allowRoot: true })).toEqual({ name: "", path: root, exists: true });
  });
});
