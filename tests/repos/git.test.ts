import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpError } from "../../src/http/errors";
import { makeTestContext, type TestContext } from "../support/deps";
import { type GitServer, startGitServer } from "../support/git-server";
import { addCredential, gitConfigOf, localGit } from "./git-helpers";

const ALICE = { username: "alice", password: "alice-secret-pw" };
const BOB = { username: "bob", password: "bob-token-123" };

let server: GitServer;
let ctx: TestContext;
let counter = 0;

beforeAll(async () => {
  server = await startGitServer({ users: [ALICE, BOB] });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  ctx = await makeTestContext({ GIT_COMMAND_TIMEOUT: "20000" });
});
afterEach(() => ctx.cleanup());

/** A fresh remote for each test, so tests never see each other's pushes. */
function remote(files: Record<string, string> = { "README.md": "# app\n" }, options?: { branches?: string[] }) {
  const name = `app${counter++}`;
  return { name, url: server.createRepository(name, files, options) };
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe("clone", () => {
  it("clones with a git_credentials row matched by URL and keeps the secret out of .git/config", async () => {
    const { name, url } = remote();
    await addCredential(ctx.deps, { name: "alice-row", username: ALICE.username, password: ALICE.password, repository_url: url });
    const result = await ctx.deps.repos.git.clone({ url });
    expect(result).toMatchObject({ repository: name, branch: "main", url });
    expect(result.commit).toBe(server.revParse(name, "main"));
    const dir = join(ctx.dir, "repositories", name);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# app\n");
    expect(gitConfigOf(dir)).toContain(url);
    expect(gitConfigOf(dir)).not.toContain(ALICE.password);
    expect(server.attempts.some((a) => a.username === "alice" && a.ok)).toBe(true);
    expect(JSON.stringify(ctx.logs)).not.toContain(ALICE.password);
  });

  it("uses the given name and credentials embedded in the URL without storing them", async () => {
    const { url } = remote();
    const withAuth = url.replace("http://", `http://${BOB.username}:${BOB.password}@`);
    const result = await ctx.deps.repos.git.clone({ url: withAuth, name: "custom-name" });
    expect(result.repository).toBe("custom-name");
    expect(result.url).toBe(url);
    const config = gitConfigOf(join(ctx.dir, "repositories", "custom-name"));
    expect(config).not.toContain(BOB.password);
    expect(config).not.toContain("bob@");
  });

  it("picks a row by URL prefix, then by repository name, and ignores inactive rows", async () => {
    const a = remote();
    await addCredential(ctx.deps, {
      name: "inactive",
      username: "alice",
      password: ALICE.password,
      repository_url: a.url,
      active: false,
    });
    await addCredential(ctx.deps, { name: "prefix", username: "bob", token: BOB.password, repository_url: `${server.baseUrl}/` });
    await ctx.deps.repos.git.clone({ url: a.url });
    expect(server.attempts.filter((x) => x.path.startsWith(`/${a.name}.git`) && x.ok).map((x) => x.username)).toContain("bob");

    const b = remote();
    await ctx.deps.db.execute("DELETE FROM git_credentials");
    await addCredential(ctx.deps, { name: "by-name", username: "alice", password: ALICE.password });
    await ctx.deps.repos.git.clone({ url: b.url, name: "by-name" });
    expect(server.attempts.filter((x) => x.path.startsWith(`/${b.name}.git`) && x.ok).map((x) => x.username)).toContain("alice");
  });

  it("uses GIT_TOKEN + GIT_USERNAME from the environment for an allowed host only", async () => {
    const envCtx = await makeTestContext({ GIT_TOKEN: BOB.password, GIT_USERNAME: "bob", GIT_TOKEN_HOSTS: "127.0.0.1" });
    try {
      const { name, url } = remote();
      const result = await envCtx.deps.repos.git.clone({ url });
      expect(result.repository).toBe(name);
      expect(JSON.stringify(envCtx.logs)).not.toContain(BOB.password);
      expect(envCtx.logs.some((line) => line.msg === "Cloned repository" && line.credentialSource === "env")).toBe(true);
    } finally {
      envCtx.cleanup();
    }
    const githubOnly = await makeTestContext({ GIT_TOKEN: BOB.password, GIT_USERNAME: "bob" });
    try {
      const error = await rejection(githubOnly.deps.repos.git.clone({ url: remote().url }));
      expect(error.status).toBe(401);
      expect(error.message).toContain("no credentials configured");
    } finally {
      githubOnly.cleanup();
    }
  });

  it("says clearly when credentials are wrong, and leaves nothing behind", async () => {
    const { name, url } = remote();
    await addCredential(ctx.deps, { name: "wrong", username: "alice", password: "not-the-password", repository_url: url });
    const error = await rejection(ctx.deps.repos.git.clone({ url }));
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      `Git authentication failed for ${url}: the server rejected the credentials from git_credentials row 'wrong'`,
    );
    expect(error.message).not.toContain("not-the-password");
    expect(await ctx.deps.repos.git.list()).toEqual([]);
    await expect(ctx.deps.repos.fileTree(join(ctx.dir, "repositories", name))).resolves.toBeNull();
  });

  it("refuses an existing name (409), a non-http URL (400) and an unknown remote (404)", async () => {
    const { url } = remote();
    await addCredential(ctx.deps, { name: "all", username: "alice", password: ALICE.password, repository_url: server.baseUrl });
    await ctx.deps.repos.git.clone({ url, name: "twice" });
    expect((await rejection(ctx.deps.repos.git.clone({ url, name: "twice" }))).status).toBe(409);
    expect((await rejection(ctx.deps.repos.git.clone({ url: "file:///etc" }))).status).toBe(400);
    const missing = await rejection(ctx.deps.repos.git.clone({ url: `${server.baseUrl}/nope.git` }));
    expect(missing.status).toBe(404);
  });

  it("bounds a hanging remote with GIT_COMMAND_TIMEOUT (504)", async () => {
    const { createServer } = await import("node:http");
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const port = (hanging.address() as { port: number }).port;
    const quick = await makeTestContext({ GIT_COMMAND_TIMEOUT: "300" });
    try {
      const error = await rejection(quick.deps.repos.git.clone({ url: `http://127.0.0.1:${port}/slow.git` }));
      expect(error.status).toBe(504);
      expect(error.message).toBe("git clone timed out after 300ms (GIT_COMMAND_TIMEOUT)");
    } finally {
      quick.cleanup();
      hanging.closeAllConnections();
      hanging.close();
    }
  });
});

describe("branch, commit, push, pull, status", () => {
  let name: string;
  let dir: string;
  beforeEach(async () => {
    const created = remote({ "README.md": "# app\n", "src/index.js": "console.log(1);\n" }, { branches: ["release"] });
    name = created.name;
    await addCredential(ctx.deps, { name: "alice", username: "alice", password: ALICE.password, repository_url: server.baseUrl });
    await ctx.deps.repos.git.clone({ url: created.url });
    dir = join(ctx.dir, "repositories", name);
  });

  it("creates a branch, commits, pushes it, and the server has the commit", async () => {
    const checkout = await ctx.deps.repos.git.checkout({ repository: name, branch: "feature/login", create: true });
    expect(checkout).toMatchObject({ repository: name, branch: "feature/login", created: true });
    writeFileSync(join(dir, "login.js"), "export const login = () => true;\n");
    const commit = await ctx.deps.repos.git.commit({ repository: name, message: "Add login" });
    expect(commit.files).toEqual(["login.js"]);
    const status = await ctx.deps.repos.git.status(name);
    expect(status).toMatchObject({ branch: "feature/login", commit: commit.commit, dirty: false, files: [] });
    const push = await ctx.deps.repos.git.push({ repository: name });
    expect(push).toMatchObject({ branch: "feature/login", commit: commit.commit, updated: true });
    expect(server.revParse(name, "refs/heads/feature/login")).toBe(commit.commit);
    expect(server.show(name, "feature/login", "login.js")).toContain("login");
  });

  it("pulls a commit another client pushed", async () => {
    const theirs = server.commitOnServer(name, "main", { "CHANGELOG.md": "v2\n" });
    const pull = await ctx.deps.repos.git.pull({ repository: name });
    expect(pull).toMatchObject({ branch: "main", commit: theirs, updated: true });
    expect(readFileSync(join(dir, "CHANGELOG.md"), "utf8")).toBe("v2\n");
    expect((await ctx.deps.repos.git.pull({ repository: name })).updated).toBe(false);
  });

  it("rejects a non-fast-forward push with 409 and accepts it with force", async () => {
    server.commitOnServer(name, "main", { "theirs.txt": "theirs\n" });
    writeFileSync(join(dir, "ours.txt"), "ours\n");
    const ours = await ctx.deps.repos.git.commit({ repository: name, message: "Ours" });
    const error = await rejection(ctx.deps.repos.git.push({ repository: name }));
    expect(error.status).toBe(409);
    expect(error.message).toContain("pull first");
    await ctx.deps.repos.git.push({ repository: name, force: true });
    expect(server.revParse(name, "main")).toBe(ours.commit);
  });

  it("reports a checkout that would overwrite local changes as 409", async () => {
    // release gets its own README, then main's README is edited locally without committing.
    await ctx.deps.repos.git.checkout({ repository: name, branch: "release" });
    writeFileSync(join(dir, "README.md"), "# release\n");
    await ctx.deps.repos.git.commit({ repository: name, message: "Release readme" });
    await ctx.deps.repos.git.checkout({ repository: name, branch: "main" });
    writeFileSync(join(dir, "README.md"), "# local edit\n");
    const error = await rejection(ctx.deps.repos.git.checkout({ repository: name, branch: "release" }));
    expect(error.status).toBe(409);
    expect(error.message).toBe("Checkout would overwrite local changes to README.md: commit or discard them first");
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# local edit\n");
  });

  it("status and list report dirty working trees and untracked files", async () => {
    writeFileSync(join(dir, "README.md"), "# changed\n");
    writeFileSync(join(dir, "new.txt"), "new\n");
    const status = await ctx.deps.repos.git.status(name);
    expect(status.dirty).toBe(true);
    expect(status.files).toEqual([
      { path: "README.md", status: "modified", staged: false },
      { path: "new.txt", status: "untracked", staged: false },
    ]);
    const list = await ctx.deps.repos.git.list();
    expect(list).toEqual([{ name, branch: "main", commit: server.revParse(name, "main"), dirty: true }]);
  });

  it("404s an unknown branch without createBranch, and unknown repositories", async () => {
    const error = await rejection(ctx.deps.repos.git.checkout({ repository: name, branch: "nope" }));
    expect(error.status).toBe(404);
    expect(error.message).toContain("createBranch: true");
    expect((await rejection(ctx.deps.repos.git.status("missing"))).status).toBe(404);
    expect((await rejection(ctx.deps.repos.git.checkout({ repository: name, branch: "a..b" }))).status).toBe(400);
  });
});

describe("prepareBranch (what execute calls before a run)", () => {
  it("checks out an existing, a remote-only and a new branch, and a process run there sees it", async () => {
    const { name, url } = remote({ "README.md": "x\n" }, { branches: ["existing"] });
    await addCredential(ctx.deps, { name: "alice", username: "alice", password: ALICE.password, repository_url: url });
    await ctx.deps.repos.git.clone({ url });
    const repo = await ctx.deps.workspaces.resolve(name);
    const git = ctx.deps.repos.git;

    expect(await git.prepareBranch(repo.path, "existing")).toMatchObject({ branch: "existing", created: false });
    const branchSeenByProcess = async () =>
      (await ctx.deps.repos.terminal.run("git", ["rev-parse", "--abbrev-ref", "HEAD"], { cwd: repo.path })).stdout;
    expect(await branchSeenByProcess()).toBe("existing");

    // Pushed after our clone: prepareBranch fetches it from origin.
    const later = server.commitOnServer(name, "main", { "later.txt": "later\n" });
    execPush(server, name, "main", "pushed-later");
    expect(await git.prepareBranch(repo.path, "pushed-later")).toMatchObject({ branch: "pushed-later", commit: later });
    expect(await branchSeenByProcess()).toBe("pushed-later");

    await expect(git.prepareBranch(repo.path, "agent/task-1")).rejects.toMatchObject({ status: 404 });
    expect(await git.prepareBranch(repo.path, "agent/task-1", { createBranch: true })).toMatchObject({ created: true });
    expect(await branchSeenByProcess()).toBe("agent/task-1");
    expect(localGit(repo.path, "branch", "--show-current")).toBe("agent/task-1");
  });

  it("refuses a directory outside REPOSITORIES_PATH", async () => {
    mkdirSync(join(ctx.dir, "elsewhere"), { recursive: true });
    await expect(ctx.deps.repos.git.prepareBranch(join(ctx.dir, "elsewhere"), "main")).rejects.toMatchObject({ status: 400 });
  });
});

/** Creates `target` on the server from `source` (as another client's push would). */
function execPush(s: GitServer, name: string, source: string, target: string) {
  localGit(join(s.root, `${name}.git`), "branch", target, source);
}
