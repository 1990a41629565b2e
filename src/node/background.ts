import type { Deps } from "../deps";

/**
 * The work a Node instance does besides answering requests: failing runs a crashed instance left
 * behind (now and on every heartbeat), heart-beating its own runs, processing tasks, and
 * delivering callbacks.
 *
 * @example
 * const background = await startBackground(deps);
 * await background.stop(); // on shutdown, after the HTTP server closed
 */
export async function startBackground(deps: Deps) {
  const { runs, callbacks, log } = deps;
  const recovered = await runs.recoverOnStart();
  if (recovered.length > 0) log.warn({ count: recovered.length }, "Failed runs interrupted by a previous stop");
  const stopMaintenance = runs.startMaintenance();
  const stopTasks = await deps.taskEngine.start();
  const worker = callbacks.startWorker();
  return {
    /**
     * Releases running tasks (another instance, or this one restarted, continues them), ends live
     * runs (as interrupted), then lets in-flight callback attempts finish.
     */
    async stop() {
      stopMaintenance();
      await stopTasks();
      await runs.stopAll();
      await runs.markStopped().catch((error) => log.warn({ err: error }, "Could not record this instance as stopped"));
      await worker.stop();
    },
  };
}
