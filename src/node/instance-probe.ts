// Node-only: who this runner process is on its machine, and whether another one still runs (/proc).
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { InstanceIdentity, InstanceProbe } from "../runs/instances";

const readTrimmed = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8").trim() || null;
  } catch {
    return null;
  }
};

/**
 * Field 22 of /proc/<pid>/stat: the process's start time in clock ticks since boot; null when the
 * process is gone or a zombie (it runs nothing).
 */
function processStart(pid: number): string | null {
  const stat = readTrimmed(`/proc/${pid}/stat`);
  if (!stat) return null;
  // Fields after "(comm)" start at field 3 (state), so field 22 is index 19.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return null;
  return fields[19] ?? null;
}

/**
 * Linux: the host name, the kernel's boot id and this process's pid and start time. Another
 * instance of the same host is gone when it ran under another boot, or when its pid is no longer
 * the same process (absent, or started at another time). Without /proc nothing is ever called gone.
 */
export function createNodeInstanceProbe(): InstanceProbe {
  const bootId = readTrimmed("/proc/sys/kernel/random/boot_id");
  return {
    identity: (): InstanceIdentity => ({
      host: hostname(),
      bootId,
      pid: process.pid,
      processStart: processStart(process.pid),
    }),
    isGone(other) {
      if (other.host !== hostname() || !bootId || !other.bootId || !other.pid || !other.processStart) return false;
      if (other.bootId !== bootId) return true;
      if (other.pid === process.pid) return other.processStart !== processStart(process.pid);
      return processStart(other.pid) !== other.processStart;
    },
  };
}
