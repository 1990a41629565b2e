import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addCredential } from "../../repos/git-helpers";
import { jsonRequest, makeTestContext, type TestContext } from "../../support/deps";
import { type GitServer, startGitServer } from "../../support/git-server";

const USER = { username: "carol", password: "carol-pw-42" };
let server: GitServer;
let ctx: TestContext;

beforeAll(async () => {
  server = await startGitServer({ users: [USER] });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  ctx = await makeTestContext();
});
afterEach(() => ctx.cleanup());

const post = (path: string, body: unknown) => ctx.app.request(path, jsonRequest("POST", body));

describe("git routes", () => {
  it("clone → repositories → checkout → commit → push → pull → status", async () => {
    const url = server.createRepository("web", { "index.html": "<h1>hi</h1>\n" });
    await addCredential(ctx.deps, { name: "carol", username: USER.username, password: USER.password, repository_url: url });

    const clone = await post("/git/clone", { repositoryUrl: url });
    expect(clone.status).toBe(201);
    expect(await clone.json()).toMatchObject({ success: true, repository: "web", branch: "main", url });

    const list = await (await ctx.app.request("/git/repositories")).json();
    expect(list).toEqual({
      success: true,
      repositories: [{ name: "web", branch: "main", commit: server.revParse("web", "main"), dirty: false }],
    });

    const checkout = await post("/git/checkout", { repository: "web", branchName: "feature", createBranch: true });
    expect(await checkout.json()).toMatchObject({ success: true, branch: "feature", created: true });

    writeFileSync(join(ctx.dir, "repositories/web/about.html"), "about\n");
    const dirty = await (await ctx.app.request("/git/status/web")).json();
    expect(dirty).toMatchObject({
      success: true,
      branch: "feature",
      dirty: true,
      files: [{ path: "about.html", status: "untracked" }],
    });
    const { commit } = await ctx.deps.repos.git.commit({ repository: "web", message: "About page" });

    const push = await post("/git/push", { repository: "web" });
    expect(await push.json()).toEqual({ success: true, repository: "web", branch: "feature", commit, updated: true });
    expect(server.revParse("web", "refs/heads/feature")).toBe(commit);

    const theirs = server.commitOnServer("web", "feature", { "contact.html": "contact\n" });
    const pull = await post("/git/pull", { repository: "web", branch: "feature" });
    expect(await pull.json()).toEqual({ success: true, repository: "web", branch: "feature", commit: theirs, updated: true });
  });

  it("answers clear 400/401/404/409 errors", async () => {
    const url = server.createRepository("api", { "a.txt": "a\n" });
    const noAuth = await post("/git/clone", { url });
    expect(noAuth.status).toBe(401);
    expect((await noAuth.json()).error).toContain("Git authentication required");

    await addCredential(ctx.deps, { name: "bad", username: USER.username, password: "wrong", repository_url: url });
    const badAuth = await post("/git/clone", { url });
    expect(badAuth.status).toBe(401);
    const badBody = await badAuth.json();
    expect(badBody.error).toBe(
      `Git authentication failed for ${url}: the server rejected the credentials from git_credentials row 'bad'`,
    );

    expect((await post("/git/clone", {})).status).toBe(400);
    expect((await (await post("/git/clone", {})).json()).error).toBe(
      "url is required: the http(s) URL of the repository to clone",
    );
    expect((await (await post("/git/checkout", { repository: "api" })).json()).error).toBe(
      "branch is required (also accepted as branchName)",
    );
    const missing = await ctx.app.request("/git/status/ghost");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toBe("Repository 'ghost' not found");
    const pushMissing = await post("/git/push", { repository: "ghost" });
    expect(pushMissing.status).toBe(404);

    await ctx.deps.db.execute("UPDATE git_credentials SET password = ?", [USER.password]);
    expect((await post("/git/clone", { url, repository: "api" })).status).toBe(201);
    const again = await post("/git/clone", { url, repository: "api" });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe("Repository 'api' already exists");
  });
});
