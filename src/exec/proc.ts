// Node-only: reads /proc through node:fs to see which processes of a run are still alive.
import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

/** The fields of /proc/<pid>/stat we need. */
export interface ProcStat {
  /** R, S, D, Z, T, X … (Z = zombie, X = dead). */
  state: string;
  ppid: number;
  pgrp: number;
}

const hasProc = existsSync("/proc/self/stat");

/** Parses a /proc/<pid>/stat line. `comm` may hold spaces and parentheses, so split after the last ")". */
export function parseProcStat(raw: string): ProcStat | undefined {
  const close = raw.lastIndexOf(")");
  if (close < 0) return undefined;
  const [state, ppid, pgrp] = raw.slice(close + 2).split(" ");
  if (!state || ppid === undefined || pgrp === undefined) return undefined;
  return { state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

const isDead = (stat: ProcStat | undefined) => stat === undefined || stat.state === "Z" || stat.state === "X";

/**
 * Whether `pid` is a running process. A zombie counts as dead: it runs nothing, and here
 * orphaned zombies may be reaped lazily, so `kill(pid, 0)` would call it alive.
 * Falls back to `kill(pid, 0)` where there is no /proc.
 *
 * @example
 * if (isProcessAlive(Number(readFileSync("grandchild.pid", "utf8")))) throw new Error("leaked");
 */
export function isProcessAlive(pid: number): boolean {
  if (!hasProc) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  }
  try {
    return !isDead(parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8")));
  } catch {
    return false;
  }
}

/**
 * Live (non-zombie) members of process group `pgid`, or undefined where /proc is unavailable.
 * Processes that vanish mid-scan are skipped.
 */
export async function listGroupMembers(pgid: number): Promise<number[] | undefined> {
  if (!hasProc) return undefined;
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return undefined;
  }
  const members: number[] = [];
  // One file at a time: a busy host has thousands of processes and we must not hit EMFILE.
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseProcStat(await readFile(`/proc/${name}/stat`, "utf8"));
      if (stat && stat.pgrp === pgid && !isDead(stat)) members.push(Number(name));
    } catch {
      // Gone between readdir and readFile.
    }
  }
  return members;
}
