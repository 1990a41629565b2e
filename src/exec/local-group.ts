// Node-only: signals and reaps a child's process group with node:process and /proc.
import { listGroupMembers } from "./proc";

/** Signals every process of the group led by `pid`. Errors (the group is already gone) are ignored. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined || pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in the group. EPERM cannot happen for our own children.
  }
}

/**
 * Cheap check: signal 0 to the group fails with ESRCH only when no process of it exists at all.
 * Zombies still count, so "true" may be a false alarm that the /proc scan then settles.
 */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Makes sure nothing of the group led by `pid` is left: SIGKILLs whatever is still alive and waits
 * (bounded by `timeoutMs`) until /proc shows it dead, so "the run settled" also means "its processes
 * are gone". Without /proc it sends SIGKILL blindly and returns at once. Never rejects.
 *
 * A process that left the group (setsid) is out of reach; only a cgroup/container could hold it.
 *
 * @example
 * await reapGroup(child.pid, { timeoutMs: 2000 });
 */
export async function reapGroup(pid: number | undefined, { timeoutMs }: { timeoutMs: number }): Promise<void> {
  if (pid === undefined || pid <= 0) return;
  if (!groupExists(pid)) return; // the common case, answered without scanning /proc
  let members = await listGroupMembers(pid);
  if (members === undefined) return signalGroup(pid, "SIGKILL");
  if (members.length === 0) return;
  signalGroup(pid, "SIGKILL");
  // SIGKILL is delivered asynchronously: poll until the kernel has really ended every member.
  const deadline = Date.now() + timeoutMs;
  while (members.length > 0 && Date.now() < deadline) {
    await sleep(5);
    members = (await listGroupMembers(pid)) ?? [];
  }
}
