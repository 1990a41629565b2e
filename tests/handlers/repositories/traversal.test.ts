import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonRequest, makeTestContext, type TestContext } from "../../support/deps";
import { FAKE_AGENT } from "../../support/server-process";

/**
 * Path-traversal attempts against every route that takes a repository name. Outside the
 * repositories root sit a secret file and a git repository; a symlink inside the root points to
 * each. No attempt may answer 200 (or 201), 500, or show anything from outside.
 */
let ctx: TestContext;
const SENTINEL = "TOP-SECRET-SENTINEL";

beforeAll(async () => {
  // A real agent CLI, so the execution routes get past their "CLI installed" check to the name.
  ctx = await makeTestContext({ CURSOR_CLI_PATH: FAKE_AGENT });
  const repos = join(ctx.dir, "repositories");
  mkdirSync(join(repos, "app"), { recursive: true });
  execFileSync("git", ["init", "-q", "-b", "main", join(repos, "app")]);
  mkdirSync(join(ctx.dir, "outside-secret"));
  writeFileSync(join(ctx.dir, "outside-secret", "passwd.txt"), SENTINEL);
  execFileSync("git", ["init", "-q", "-b", "main", join(ctx.dir, "outside-git")]);
  writeFileSync(join(ctx.dir, "outside-git", "leaked.txt"), SENTINEL);
  symlinkSync(join(ctx.dir, "outside-secret"), join(repos, "escape-link"));
  symlinkSync(join(ctx.dir, "outside-git"), join(repos, "escape-git"));
  symlinkSync("/etc", join(repos, "etc-link"));
});
afterAll(() => ctx.cleanup());

/** Raw URL path segments (already percent-encoded as a client would send them). */
const URL_ATTEMPTS = [
  "..",
  ".",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "%2e.",
  "..%2f..",
  "..%2F..%2Foutside-secret",
  "%2e%2e%2f%2e%2e%2fetc",
  "%252e%252e",
  "%252e%252e%252foutside-secret",
  "..%5c..%5coutside-secret",
  "%00",
  "app%00",
  "app%00..%2f..",
  "%2fetc",
  "%2Fetc%2Fpasswd",
  "escape-link",
  "escape-git",
  "etc-link",
  "%c0%ae%c0%ae",
  "%ef%bc%8e%ef%bc%8e",
  "-rf",
  "app%2f..%2f..%2foutside-secret",
  "%2e%2e%2foutside-git",
];

const BODY_ATTEMPTS = [
  "..",
  "../outside-secret",
  "../outside-git",
  "../../etc",
  "/etc",
  "/tmp",
  "app/../..",
  "app/../../outside-git",
  "..\\outside-git",
  "app\u0000",
  "\u0000../outside-git",
  "%2e%2e%2foutside-git",
  "%252e%252e%252foutside-git",
  "escape-link",
  "escape-git",
  "etc-link",
  "．．",
  "-rf",
];

function expectContained(status: number, text: string) {
  expect([400, 404]).toContain(status);
  expect(text).not.toContain(SENTINEL);
  expect(text).not.toContain("passwd");
  expect(text).not.toContain("leaked.txt");
}

describe("no repository name escapes REPOSITORIES_PATH", () => {
  it.each(URL_ATTEMPTS)("GET /repositories/api/%s/files", async (segment) => {
    const res = await ctx.app.request(`/repositories/api/${segment}/files`);
    expectContained(res.status, await res.text());
  });

  it.each(URL_ATTEMPTS)("GET /git/status/%s", async (segment) => {
    const res = await ctx.app.request(`/git/status/${segment}`);
    expectContained(res.status, await res.text());
  });

  it.each(BODY_ATTEMPTS)("POST /git/checkout, /git/pull, /git/push, /git/clone with repository %j", async (name) => {
    const bodies: [string, unknown][] = [
      ["/git/checkout", { repository: name, branch: "main" }],
      ["/git/pull", { repository: name }],
      ["/git/push", { repository: name }],
      // Port 9 (discard) is never contacted: the name is refused first.
      ["/git/clone", { url: "http://127.0.0.1:9/x.git", repository: name }],
    ];
    for (const [path, body] of bodies) {
      const res = await ctx.app.request(path, jsonRequest("POST", body));
      const text = await res.text();
      expect(res.status, `${path} ${text}`).toBe(400);
      expectContained(res.status, text);
    }
  });

  it.each(BODY_ATTEMPTS)("POST /cursor/execute, /cursor/iterate, /api/:id/message with repository %j", async (name) => {
    // If a name escaped, the agent would write this file outside the root.
    const prompt = "WRITE escaped.txt <<escaped>>";
    const { conversationId } = await (await ctx.app.request("/api/new", jsonRequest("POST", {}))).json();
    const bodies: [string, unknown][] = [
      ["/cursor/execute", { prompt, repository: name }],
      ["/cursor/iterate", { prompt, repository: name, maxIterations: 1 }],
      [`/api/${conversationId}/message`, { message: prompt, repository: name }],
    ];
    for (const [path, body] of bodies) {
      const res = await ctx.app.request(path, jsonRequest("POST", body));
      const text = await res.text();
      expect(res.status, `${path} ${text}`).toBe(400);
      expectContained(res.status, text);
    }
    // The async route acknowledges (the original's contract) but starts no run.
    const ack = await (await ctx.app.request("/cursor/execute/async", jsonRequest("POST", { prompt, repository: name }))).json();
    expect(ack).toMatchObject({ success: true });
    expect(ack.runId).toBeUndefined();
    for (const outside of ["outside-secret", "outside-git", ""]) {
      expect(existsSync(join(ctx.dir, outside, "escaped.txt"))).toBe(false);
    }
  });

  it("still serves the legitimate repository", async () => {
    expect((await ctx.app.request("/repositories/api/app/files")).status).toBe(200);
    expect((await ctx.app.request("/git/status/app")).status).toBe(200);
    const list = await (await ctx.app.request("/git/repositories")).json();
    expect(list.repositories.map((r: { name: string }) => r.name)).toEqual(["app"]);
  });
});
