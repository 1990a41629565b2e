// Workers-only (imports cloudflare:workers): keeps background work alive with waitUntil.
import { waitUntil } from "cloudflare:workers";

export interface BackgroundOptions {
  /** Marks this isolate's live runs as owned (RunService.heartbeat), so the cron sweep spares them. */
  heartbeat: () => Promise<void>;
  heartbeatMs: number;
  onError: (error: unknown) => void;
}

/**
 * `Deps.background` on Workers: each piece of work (a run's `done`, a callback round) is handed to
 * `waitUntil` of the request (or cron event) that started it, so it goes on after the response,
 * and the isolate's runs are heart-beaten meanwhile (at most once per `heartbeatMs` for all of
 * them). Cloudflare ends waitUntil work about 30 s after the response; a run cut off there stops
 * heart-beating, and the cron's stale-run sweep fails it as interrupted.
 *
 * @example
 * buildDeps({ ..., background: workersBackground({ heartbeat: () => runs.heartbeat(), heartbeatMs, onError }) });
 */
export function workersBackground(options: BackgroundOptions): (work: Promise<unknown>) => void {
  let lastBeat = Date.now();
  const beatDue = () => {
    if (Date.now() - lastBeat < options.heartbeatMs) return false;
    lastBeat = Date.now();
    return true;
  };
  const whileBeating = async (work: Promise<unknown>) => {
    let settled = false;
    const markSettled = () => {
      settled = true;
    };
    const finished = work.then(markSettled, markSettled);
    while (!settled) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.heartbeatMs);
      });
      await Promise.race([finished, tick]);
      clearTimeout(timer);
      if (!settled && beatDue()) await options.heartbeat().catch(options.onError);
    }
  };
  return (work) => {
    try {
      waitUntil(whileBeating(work));
    } catch (error) {
      // Outside any request or event there is nothing to extend; the work runs as far as it gets.
      options.onError(error);
    }
  };
}
