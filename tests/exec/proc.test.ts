import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { isProcessAlive, listGroupMembers, parseProcStat } from "../../src/exec/proc";

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  }
});

/** Starts `script` in its own process group and resolves with its pid and first stdout line. */
function startGroup(script: string): Promise<{ pid: number; firstLine: string }> {
  const child = spawn("/bin/sh", ["-c", script], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  started.push(child.pid!);
  return new Promise((resolve) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve({ pid: child.pid!, firstLine: out.split("\n")[0]! });
    });
  });
}

describe("proc", () => {
  it("parses a stat line whose command name holds spaces and parentheses", () => {
    expect(parseProcStat("4242 (my (odd) name) S 1 4242 4242 0 -1")).toEqual({ state: "S", ppid: 1, pgrp: 4242 });
    expect(parseProcStat("garbage")).toBeUndefined();
  });

  it("sees this process alive and an unused pid dead", () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const maxPid = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8"));
    expect(isProcessAlive(maxPid + 1)).toBe(false);
  });

  it("counts a zombie as dead although kill(pid, 0) still succeeds", async () => {
    // `exec sleep` replaces the shell, and sleep never reaps the background child it inherited.
    const { firstLine } = await startGroup("sleep 0 & echo $!; exec sleep 30");
    const zombie = Number(firstLine);
    while (parseProcStat(readFileSync(`/proc/${zombie}/stat`, "utf8"))?.state !== "Z") {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(() => process.kill(zombie, 0)).not.toThrow();
    expect(isProcessAlive(zombie)).toBe(false);
  });

  it("lists the live members of a process group", async () => {
    const { pid, firstLine } = await startGroup("sleep 30 & echo $!; wait");
    const members = await listGroupMembers(pid);
    expect(members).toEqual(expect.arrayContaining([pid, Number(firstLine)]));
    expect(await listGroupMembers(process.pid)).not.toContain(pid);
  });
});
