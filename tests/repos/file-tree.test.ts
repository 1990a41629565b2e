import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildFileTree, type FileNode } from "../../src/repos/file-tree";

let base: string;
let root: string;

function files(paths: Record<string, string>) {
  for (const [path, content] of Object.entries(paths)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const names = (nodes: FileNode[]) => nodes.map((node) => node.name);
const find = (nodes: FileNode[], path: string): FileNode | undefined => {
  for (const node of nodes) {
    if (node.path === path) return node;
    const inner = node.children && find(node.children, path);
    if (inner) return inner;
  }
  return undefined;
};

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), "file-tree-"));
  root = join(base, "root");
  mkdirSync(root);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("buildFileTree", () => {
  it("returns §10.3 nodes: directories first, locale order, relative paths, empty dirs with []", async () => {
    files({ "b.txt": "", "A.txt": "", "src/z.ts": "", "src/lib/a.ts": "", "docs/readme.md": "" });
    mkdirSync(join(root, "empty"));
    const tree = await buildFileTree(root);
    expect(tree?.truncated).toBe(false);
    expect(tree?.entries).toBe(9);
    expect(names(tree!.nodes)).toEqual(["docs", "empty", "src", "A.txt", "b.txt"]);
    expect(find(tree!.nodes, "empty")).toEqual({ name: "empty", path: "empty", type: "directory", children: [] });
    expect(find(tree!.nodes, "src")?.children?.map((n) => n.path)).toEqual(["src/lib", "src/z.ts"]);
    expect(find(tree!.nodes, "src/lib/a.ts")).toEqual({ name: "a.ts", path: "src/lib/a.ts", type: "file" });
  });

  it("hides the built-in ignore list", async () => {
    files({
      ".git/HEAD": "",
      "node_modules/x/index.js": "",
      "dist/a.js": "",
      ".env": "",
      "debug.log": "",
      "x.tmp": "",
      "keep.ts": "",
      ".vscode/settings.json": "",
    });
    expect(names((await buildFileTree(root))!.nodes)).toEqual(["keep.ts"]);
  });

  it("lists a directory at maxDepth with children []", async () => {
    files({ "a/b/c/d.txt": "" });
    const tree = await buildFileTree(root, { maxDepth: 2 });
    expect(find(tree!.nodes, "a/b")).toEqual({ name: "b", path: "a/b", type: "directory", children: [] });
    expect((await buildFileTree(root, { maxDepth: 0 }))!.nodes).toEqual([]);
  });

  it("caps the entries breadth-first and marks what was cut", async () => {
    for (let i = 0; i < 5; i++) files({ [`dir${i}/f1.txt`]: "", [`dir${i}/f2.txt`]: "" });
    const tree = await buildFileTree(root, { maxEntries: 7 });
    expect(tree).toMatchObject({ truncated: true, entries: 7 });
    // All five top-level directories are there; only some of their contents.
    expect(tree!.nodes).toHaveLength(5);
    const cut = tree!.nodes.filter((node) => node.truncated);
    expect(cut.length).toBeGreaterThan(0);
    const listed = tree!.nodes.reduce((sum, node) => sum + (node.children?.length ?? 0), 0);
    expect(listed).toBe(2);
  });

  it("honours .gitignore files (root, nested, negation) only when asked", async () => {
    files({
      ".gitignore": "*.secret\ngenerated/\n!keep.secret\n",
      "a.secret": "",
      "keep.secret": "",
      "generated/out.js": "",
      "pkg/.gitignore": "local.txt\n",
      "pkg/local.txt": "",
      "pkg/code.ts": "",
      "pkg/b.secret": "",
    });
    const plain = await buildFileTree(root);
    expect(find(plain!.nodes, "a.secret")).toBeDefined();
    const ignored = await buildFileTree(root, { gitignore: true });
    expect(find(ignored!.nodes, "a.secret")).toBeUndefined();
    expect(find(ignored!.nodes, "keep.secret")).toBeDefined();
    expect(find(ignored!.nodes, "generated")).toBeUndefined();
    expect(find(ignored!.nodes, "pkg/local.txt")).toBeUndefined();
    expect(find(ignored!.nodes, "pkg/b.secret")).toBeUndefined();
    expect(find(ignored!.nodes, "pkg/code.ts")).toBeDefined();
  });

  it("never follows a symlink out of the root, and survives link loops", async () => {
    writeFileSync(join(base, "outside-secret.txt"), "secret");
    mkdirSync(join(base, "outside-dir"));
    writeFileSync(join(base, "outside-dir", "passwd"), "x");
    files({ "inside/real.txt": "" });
    symlinkSync(join(base, "outside-secret.txt"), join(root, "leak.txt"));
    symlinkSync(join(base, "outside-dir"), join(root, "leak-dir"));
    symlinkSync("/etc", join(root, "etc"));
    symlinkSync(root, join(root, "inside", "loop"));
    symlinkSync(join(root, "inside", "real.txt"), join(root, "alias.txt"));
    symlinkSync(join(root, "inside"), join(root, "inside-link"));
    const tree = await buildFileTree(root);
    const text = JSON.stringify(tree);
    expect(text).not.toContain("leak");
    expect(text).not.toContain("passwd");
    expect(text).not.toContain('"etc"');
    expect(find(tree!.nodes, "alias.txt")?.type).toBe("file");
    // A linked directory inside the root is shown but not walked again.
    expect(find(tree!.nodes, "inside-link")).toEqual({
      name: "inside-link",
      path: "inside-link",
      type: "directory",
      children: [],
    });
    expect(find(tree!.nodes, "inside/loop")).toBeUndefined(); // links to the root itself: not strictly inside
  });

  it("returns null for a missing root or a file", async () => {
    expect(await buildFileTree(join(base, "missing"))).toBeNull();
    files({ "f.txt": "" });
    expect(await buildFileTree(join(root, "f.txt"))).toBeNull();
  });

  it("lets timers run while it walks a large tree", async () => {
    for (let d = 0; d < 20; d++) {
      mkdirSync(join(root, `d${d}`));
      for (let f = 0; f < 300; f++) writeFileSync(join(root, `d${d}`, `f${f}.txt`), "");
    }
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    const tree = await buildFileTree(root);
    clearInterval(interval);
    expect(tree?.entries).toBe(20 * 300 + 20);
    expect(ticks).toBeGreaterThan(0);
  });
});
