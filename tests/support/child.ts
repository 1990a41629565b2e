// Node-only: ending a child process the test helpers own (redis-server, sqld).
import type { ChildProcess } from "node:child_process";

/** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited (at once if it already had). */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
