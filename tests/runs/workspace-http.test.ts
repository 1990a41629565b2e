import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess } from "../support/server-process";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" },
  }).trim();

describe("execute prepares the workspace: branch checkout and trust files", () => {
  let dir: string;
  let repo: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-workspace-"));
    repo = join(dir, "repos", "app");
    mkdirSync(repo, { recursive: true });
    git(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, "README.md"), "hello\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "init");
    git(repo, "branch", "feature");
    mkdirSync(join(dir, "repos", "plain"));
    server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      LOG_LEVEL: "warn",
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const whichBranch = "RUN git rev-parse --abbrev-ref HEAD > branch.txt";

  it("runs the agent on the requested existing branch", async () => {
    const res = await postJson(`${server.url}/cursor/execute`, { prompt: whichBranch, repository: "app", branchName: "feature" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ agentSucceeded: true, branchName: "feature" });
    expect(readFileSync(join(repo, "branch.txt"), "utf8").trim()).toBe("feature");
  });

  it("creates the branch when asked to", async () => {
    const res = await postJson(`${server.url}/cursor/execute`, {
      prompt: whichBranch,
      repository: "app",
      branchName: "agent/new-work",
      createBranch: true,
    });
    expect(res.body.agentSucceeded).toBe(true);
    expect(readFileSync(join(repo, "branch.txt"), "utf8").trim()).toBe("agent/new-work");
  });

  it("refuses an unknown branch without createBranch, and nothing runs", async () => {
    rmSync(join(repo, "branch.txt"), { force: true });
    const res = await postJson(`${server.url}/cursor/execute`, { prompt: whichBranch, repository: "app", branchName: "nope" });
    expect(res.status).toBe(404 === res.status ? 404 : 409);
    expect(res.body.success).toBe(false);
    expect(res.body.error).toMatch(/nope/);
    expect(existsSync(join(repo, "branch.txt"))).toBe(false);
  });

  it("writes workspace trust files and keeps them out of the user's commits", async () => {
    await postJson(`${server.url}/cursor/execute`, { prompt: "SAY hi", repository: "app" });
    expect(JSON.parse(readFileSync(join(repo, ".cursor", "cli.json"), "utf8")).permissions.allow).toContain("Shell(git)");
    expect(existsSync(join(repo, ".vscode", "settings.json"))).toBe(true);
    expect(readFileSync(join(repo, ".git", "info", "exclude"), "utf8")).toContain(".cursor/cli.json");
    const status = git(repo, "status", "--porcelain");
    expect(status).not.toContain(".cursor");
    expect(status).not.toContain(".vscode");
  });

  it("still runs in a directory that is not a git repository (branchName is then only echoed)", async () => {
    const res = await postJson(`${server.url}/cursor/execute`, { prompt: "SAY plain", repository: "plain", branchName: "main" });
    expect(res.body).toMatchObject({ agentSucceeded: true, output: "plain", branchName: "main" });
  });
});
