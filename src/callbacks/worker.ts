import type { Logger } from "../log";
import { attemptDelivery } from "./attempt";
import type { Deliver } from "./deliverer";
import type { Outbox } from "./outbox";
import type { ClaimedDelivery } from "./types";

export interface CallbackWorkerOptions {
  outbox: Pick<Outbox, "claimDue" | "finishAttempt">;
  deliver: Deliver;
  log: Logger;
  /** How often to look for due work when not kicked (default 1 s). */
  pollMs?: number;
  /** Names this process in `claimed_by` (default a fresh uuid). */
  instanceId?: string;
  /** Attempts in flight at once (default 4). */
  concurrency?: number;
  /** How long a claim holds; must outlast one attempt (default 90 s, three times the default timeout). */
  leaseMs?: number;
}

export interface CallbackWorker {
  /** Stops polling and resolves once the attempts in flight are recorded. */
  stop(): Promise<void>;
  /** Looks for due work now rather than at the next poll. */
  kick(): void;
}

/**
 * Delivers due callbacks from the outbox until stopped. Everything it needs is in the database, so a
 * new process picks up whatever an old one left: pending deliveries at once, ones leased by a process
 * that died once the lease expires. Its only timer is unref'd and cleared by `stop()`.
 *
 * @example
 * const worker = startCallbackWorker({ outbox, deliver, log, pollMs: 1000 });
 * // on shutdown:
 * await worker.stop();
 */
export function startCallbackWorker(options: CallbackWorkerOptions): CallbackWorker {
  const { outbox, deliver, log } = options;
  const pollMs = options.pollMs ?? 1000;
  const instanceId = options.instanceId ?? crypto.randomUUID();
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const leaseMs = options.leaseMs ?? 90_000;

  const inFlight = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ticking: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    // Node keeps the process alive for a ref'd timer; Workers return a number without unref.
    (timer as { unref?: () => void }).unref?.();
  };

  const attempt = (claimed: ClaimedDelivery) => attemptDelivery({ outbox, deliver, log, instanceId }, claimed);

  function tick() {
    timer = undefined;
    if (stopped) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = (async () => {
      try {
        const claimed = await outbox.claimDue({ instanceId, limit: concurrency - inFlight.size, leaseMs });
        for (const delivery of claimed) {
          const running: Promise<void> = attempt(delivery).finally(() => {
            inFlight.delete(running);
            kick(); // a slot is free and the next backoff may already be due
          });
          inFlight.add(running);
        }
      } catch (err) {
        log.error({ err }, "Could not claim due callbacks");
      } finally {
        ticking = undefined;
        const soon = again;
        again = false;
        schedule(soon ? 0 : pollMs);
      }
    })();
  }

  function kick() {
    if (stopped) return;
    if (ticking) again = true;
    else schedule(0);
  }

  schedule(0);
  return {
    kick,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await ticking;
      await Promise.allSettled([...inFlight]);
    },
  };
}
