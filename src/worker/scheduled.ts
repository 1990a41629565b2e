// Runtime-neutral: what the Worker's cron trigger does (no loops live between requests on Workers).
import type { Deps } from "../deps";

const ROUND_SIZE = 20;
const MAX_ROUNDS = 5;

export const INTERRUPTED_ON_WORKERS = "interrupted: the instance running it stopped (no heartbeat)";

/**
 * One maintenance pass: fails runs whose owner stopped heart-beating (an evicted isolate, a run cut
 * off by the waitUntil limit, a crashed Node instance sharing the database), whose callbacks are
 * then queued, and attempts every callback delivery that is due (retries after a failed attempt).
 *
 * @example
 * ctx.waitUntil(runScheduled(deps)); // from `scheduled(controller, env, ctx)`
 */
export async function runScheduled(deps: Pick<Deps, "runs" | "callbacks" | "log">) {
  const { runs, callbacks, log } = deps;
  let recovered = 0;
  try {
    recovered = (await runs.recoverStale(INTERRUPTED_ON_WORKERS)).length;
  } catch (error) {
    log.error({ err: error }, "Stale-run sweep failed");
  }
  // Rounds of up to ROUND_SIZE at once, until one comes back short (bounded: the next cron goes on).
  let attempted = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const count = await callbacks.deliverDue({ limit: ROUND_SIZE });
    attempted += count;
    if (count < ROUND_SIZE) break;
  }
  if (recovered > 0 || attempted > 0) log.info({ recovered, attempted }, "Scheduled maintenance done");
  return { recovered, attempted };
}
