import { existsSync, readFileSync, rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkCommand, executableName } from "../../src/repos/command-policy";
import { createTerminal } from "../../src/repos/terminal";

const terminal = (extra: Partial<Parameters<typeof createTerminal>[0]> = {}) =>
  createTerminal({ timeoutMs: 10_000, maxOutputBytes: 1024 * 1024, killGraceMs: 200, ...extra });

function alive(pid: number): boolean {
  // /proc/<pid>/stat state Z means a zombie not yet reaped: as good as dead.
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

describe("terminal", () => {
  it("runs without a shell and reports exit code and trimmed output", async () => {
    const ok = await terminal().run("node", ["-e", "console.log(' out '); console.error('err'); process.exit(3)"]);
    expect(ok).toEqual({ success: false, exitCode: 3, stdout: "out", stderr: "err" });
    const literal = await terminal().run("echo", ["$HOME; rm -rf /"]);
    expect(literal.stdout).toBe("$HOME; rm -rf /");
  });

  it("matches allow and deny lists on the executable name only", async () => {
    expect(executableName("/usr/bin/RM")).toBe("rm");
    expect(() => checkCommand("/bin/rm", { blocked: ["rm"] })).toThrow(
      'Command not allowed: "rm" is in TERMINAL_BLOCKED_COMMANDS',
    );
    expect(() => checkCommand("rmdir", { blocked: ["rm"] })).not.toThrow();
    expect(() => checkCommand("curl", { allowed: ["git", "npm"] })).toThrow("is not in TERMINAL_ALLOWED_COMMANDS");
    const guarded = terminal({ allowed: ["echo", "node"], blocked: ["rm"] });
    // "rm" inside an argument is just text.
    expect((await guarded.run("echo", ["rm", "-rf", "format"])).stdout).toBe("rm -rf format");
    await expect(guarded.run("rm", ["-rf", "/tmp/nothing"])).rejects.toMatchObject({ status: 403 });
    await expect(guarded.run("ls")).rejects.toMatchObject({ status: 403 });
  });

  it("kills the whole process group on timeout", async () => {
    const run = terminal({ timeoutMs: 300 }).run("sh", ["-c", "sleep 30 & echo $!; sleep 30"]);
    await expect(run).rejects.toMatchObject({ status: 504, message: "Command timeout after 300ms" });
  });

  it("kills a grandchild that holds the pipes", async () => {
    const pidFile = `/tmp/terminal-test-${process.pid}-${Date.now()}`;
    const run = terminal({ timeoutMs: 300 }).run("sh", ["-c", `sleep 30 & echo $! > ${pidFile}; wait`]);
    await expect(run).rejects.toMatchObject({ status: 504 });
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    rmSync(pidFile, { force: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alive(grandchild)).toBe(false);
  });

  it("caps stdout and stderr separately", async () => {
    const small = terminal({ maxOutputBytes: 1000 });
    await expect(small.run("node", ["-e", "process.stdout.write('x'.repeat(5000))"])).rejects.toMatchObject({
      message: "Output size exceeded limit: 1000 bytes",
    });
    await expect(small.run("node", ["-e", "process.stderr.write('x'.repeat(5000))"])).rejects.toMatchObject({
      message: "Output size exceeded limit: 1000 bytes",
    });
  });

  it("reports a missing executable", async () => {
    await expect(terminal().run("definitely-not-a-command-xyz")).rejects.toMatchObject({
      status: 502,
      message: "Could not start definitely-not-a-command-xyz: ENOENT",
    });
  });
});
