import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTerminal } from "../../src/repos/terminal";
import { createWorkspaceFiles } from "../../src/repos/workspace-files";
import { DEFAULT_DEFINITION_OF_DONE, resolveDefinitionOfDone } from "../../src/runs/iterate/definition-of-done";
import { runDoneWhen } from "../../src/runs/iterate/done-when";
import { checkGitCompletion } from "../../src/runs/iterate/git-completion";
import { parseVerdict } from "../../src/runs/iterate/verdict";

describe("parseVerdict (§6.3)", () => {
  it("reads a verdict out of prose, fences, ANSI colour and transcript lines", () => {
    const output =
      'user: review this\ncursor: ok\n\x1b[32mHere is my verdict:\x1b[0m\r\n```json\n{"code_complete": true, "justification": "tests pass {really}"}\n```';
    expect(parseVerdict(output)).toEqual({
      code_complete: true,
      break_iteration: false,
      justification: "tests pass {really}",
      parsed: true,
    });
  });

  it("skips braces that are not a verdict and accepts continuation_prompt", () => {
    const output =
      'I checked {the config}.\n{"code_complete": false, "break_iteration": false, "continuation_prompt": "Add tests"}';
    expect(parseVerdict(output)).toEqual({
      code_complete: false,
      break_iteration: false,
      justification: "No justification provided",
      continuationPrompt: "Add tests",
      parsed: true,
    });
  });

  it("breaks the loop with the raw text when no verdict can be read", () => {
    expect(parseVerdict("All good!")).toMatchObject({
      code_complete: false,
      break_iteration: true,
      justification: "All good!",
      parsed: false,
    });
    expect(parseVerdict('{"code_complete": "yes"}')).toMatchObject({ parsed: false, break_iteration: true });
    expect(parseVerdict('{"code_complete": true')).toMatchObject({ parsed: false });
    expect(parseVerdict("")).toMatchObject({ parsed: false, justification: "Review agent returned no output" });
  });
});

describe("definition of done, executable checks and the git completion check", () => {
  let dir: string;
  const terminal = createTerminal({ timeoutMs: 30_000, maxOutputBytes: 1024 * 1024 });
  const files = createWorkspaceFiles();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "runner-iterate-parts-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves the definition of done: request → prompt → referenced .md → .cursorrules → default", async () => {
    const cwd = join(dir, "ws");
    mkdirSync(join(cwd, "docs"), { recursive: true });
    writeFileSync(
      join(cwd, "docs", "task.md"),
      "# Task\nDo it.\n\n## Definition of Done\n- npm test passes\n- README updated\n\n## Notes\nx\n",
    );
    writeFileSync(join(cwd, ".cursorrules"), "Definition of done: lint is clean");
    const resolve = (prompt: string, explicit?: string) => resolveDefinitionOfDone({ explicit, prompt, cwd, files });

    expect(await resolve("anything", "explicit one")).toEqual({ text: "explicit one", source: "request" });
    expect(await resolve("Fix the login.\nDefinition of done: users can log in\n\nMore text")).toEqual({
      text: "users can log in",
      source: "prompt",
    });
    expect(await resolve("Work on the task at docs/task.md please")).toEqual({
      text: "- npm test passes\n- README updated",
      source: "file:docs/task.md",
    });
    expect(await resolve("Read [the plan](../../etc/passwd.md) and go")).toEqual({
      text: "lint is clean",
      source: ".cursorrules",
    });
    expect(await resolveDefinitionOfDone({ prompt: "Just do it", cwd: join(dir, "nowhere"), files })).toEqual({
      text: DEFAULT_DEFINITION_OF_DONE,
      source: "default",
    });
  });

  it("runs doneWhen through the terminal service and reports refusals as failures", async () => {
    const ok = await runDoneWhen(terminal, dir, { command: "node", args: ["-e", "console.log('fine')"] }, 10_000);
    expect(ok).toMatchObject({ passed: true, exitCode: 0, output: "fine" });
    const failed = await runDoneWhen(terminal, dir, { command: "node", args: ["-e", "process.exit(3)"] }, 10_000);
    expect(failed).toMatchObject({ passed: false, exitCode: 3 });
    const blocked = createTerminal({ timeoutMs: 1000, maxOutputBytes: 1024, blocked: ["node"] });
    const refused = await runDoneWhen(blocked, dir, { command: "node", args: [] }, 1000);
    expect(refused.passed).toBe(false);
    expect(refused.error).toBeTruthy();
  });

  it("checks that the work is pushed (§6.4) with real git", async () => {
    const git = (cwd: string, ...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd, encoding: "utf8" });
    const origin = join(dir, "origin.git");
    git(dir, "init", "-q", "--bare", "-b", "main", origin);
    const clone = join(dir, "clone");
    git(dir, "clone", "-q", origin, clone);
    git(clone, "checkout", "-q", "-b", "main");
    writeFileSync(join(clone, "a.txt"), "a");
    git(clone, "add", ".");
    git(clone, "commit", "-qm", "first");

    expect(await checkGitCompletion(terminal, clone)).toMatchObject({ isComplete: false, hasPushedCommits: false });
    git(clone, "push", "-q", "-u", "origin", "main");
    expect(await checkGitCompletion(terminal, clone)).toEqual({
      isComplete: true,
      reason: "Code pushed to origin",
      hasPullRequest: false,
      hasPushedCommits: true,
    });
    git(clone, "checkout", "-q", "-b", "feature");
    writeFileSync(join(clone, "b.txt"), "b");
    git(clone, "add", ".");
    git(clone, "commit", "-qm", "feature");
    git(clone, "push", "-q", "-u", "origin", "feature");
    expect(await checkGitCompletion(terminal, clone)).toMatchObject({
      isComplete: true,
      reason: "Pull Request created and code pushed to origin",
    });
    writeFileSync(join(clone, "c.txt"), "c");
    git(clone, "add", ".");
    git(clone, "commit", "-qm", "unpushed");
    expect(await checkGitCompletion(terminal, clone)).toMatchObject({ hasPushedCommits: false, hasPullRequest: true });
  });
});
