import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTestContext, type TestContext } from "../../support/deps";

let ctx: TestContext;
let repos: string;

function files(paths: Record<string, string>) {
  for (const [path, content] of Object.entries(paths)) {
    mkdirSync(dirname(join(repos, path)), { recursive: true });
    writeFileSync(join(repos, path), content);
  }
}

beforeEach(async () => {
  ctx = await makeTestContext({ FILE_TREE_MAX_ENTRIES: "4" });
  repos = join(ctx.dir, "repositories");
});
afterEach(() => ctx.cleanup());

describe("GET /repositories/api/:repository/files", () => {
  it("answers the repository's FileNode[] with entry headers", async () => {
    files({ "app/src/index.ts": "", "app/README.md": "", "app/debug.log": "" });
    const res = await ctx.app.request("/repositories/api/app/files");
    expect(res.status).toBe(200);
    expect(res.headers.get("X-File-Tree-Entries")).toBe("3");
    expect(res.headers.get("X-File-Tree-Truncated")).toBe("false");
    expect(await res.json()).toEqual([
      { name: "src", path: "src", type: "directory", children: [{ name: "index.ts", path: "src/index.ts", type: "file" }] },
      { name: "README.md", path: "README.md", type: "file" },
    ]);
  });

  it("honours ?gitignore=true and ?maxDepth, and caps at FILE_TREE_MAX_ENTRIES", async () => {
    files({ "app/.gitignore": "secret/\n", "app/secret/a": "", "app/b/c/d": "", "app/x1": "", "app/x2": "", "app/x3": "" });
    const ignored = await (await ctx.app.request("/repositories/api/app/files?gitignore=true&maxDepth=1")).json();
    expect(JSON.stringify(ignored)).not.toContain("secret/a");
    const capped = await ctx.app.request("/repositories/api/app/files");
    expect(capped.headers.get("X-File-Tree-Truncated")).toBe("true");
    expect(capped.headers.get("X-File-Tree-Entries")).toBe("4");
  });

  it("gives the original's 404 and clear 400s", async () => {
    mkdirSync(repos, { recursive: true });
    const missing = await ctx.app.request("/repositories/api/nope/files");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ success: false, error: "Repository 'nope' not found" });
    const badQuery = await ctx.app.request("/repositories/api/app/files?gitignore=maybe");
    expect(badQuery.status).toBe(400);
    expect((await badQuery.json()).error).toBe("gitignore must be true or false");
    const badDepth = await ctx.app.request("/repositories/api/app/files?maxDepth=99");
    expect((await badDepth.json()).error).toBe("maxDepth must be an integer from 0 to 50");
  });

  it("is documented in /openapi.json with the git routes", async () => {
    const doc = await (await ctx.app.request("/openapi.json")).json();
    for (const path of [
      "/repositories/api/{repository}/files",
      "/api/working-directory/files",
      "/git/clone",
      "/git/status/{repository}",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.components.schemas.FileNode).toBeDefined();
  });
});
