// Node-only: finds a dead runner's agent processes through /proc and ends them.
import { readFile } from "node:fs/promises";
import { reapGroup } from "./local-group";
import { listGroupMembers } from "./proc";
import { RUN_ID_ENV } from "./types";

export { RUN_ID_ENV };

/**
 * Ends the process group of a run whose runner died (SIGKILL leaves the agent's own group
 * running). A group is only touched when one of its members carries `CURSOR_RUNNER_RUN_ID=<runId>`
 * in its environment, so a recycled pid belonging to something else is never killed.
 * Returns whether anything was ended.
 *
 * @example
 * await reapOrphanedRun(run.pid, run.id);
 */
export async function reapOrphanedRun(pgid: number, runId: string): Promise<boolean> {
  const members = (await listGroupMembers(pgid)) ?? [];
  const marker = `${RUN_ID_ENV}=${runId}`;
  for (const pid of members) {
    try {
      const environ = await readFile(`/proc/${pid}/environ`, "utf8");
      if (environ.split("\0").includes(marker)) {
        await reapGroup(pgid, { timeoutMs: 2000 });
        return true;
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return false;
}
