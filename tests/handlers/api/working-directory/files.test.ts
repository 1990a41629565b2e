import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTestContext, type TestContext } from "../../../support/deps";

let ctx: TestContext;

beforeEach(async () => {
  ctx = await makeTestContext({ REPOSITORIES_PATH: "work/repositories" });
});
afterEach(() => ctx.cleanup());

describe("GET /api/working-directory/files and /conversations/api/working-directory/files", () => {
  it("lists the parent of the repositories path, with no-cache headers, on both mounts", async () => {
    mkdirSync(join(ctx.dir, "work/repositories/app"), { recursive: true });
    writeFileSync(join(ctx.dir, "work/notes.md"), "");
    for (const prefix of ["/api", "/conversations/api"]) {
      const res = await ctx.app.request(`${prefix}/working-directory/files`);
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("no-store, no-cache, must-revalidate, proxy-revalidate");
      expect(await res.json()).toEqual([
        {
          name: "repositories",
          path: "repositories",
          type: "directory",
          children: [{ name: "app", path: "repositories/app", type: "directory", children: [] }],
        },
        { name: "notes.md", path: "notes.md", type: "file" },
      ]);
    }
  });

  it("answers 404 with the directory when it does not exist", async () => {
    const res = await ctx.app.request("/api/working-directory/files");
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toMatchObject({ success: false, error: `Working directory not found: ${join(ctx.dir, "work")}` });
    expect(typeof body.timestamp).toBe("string");
  });
});
