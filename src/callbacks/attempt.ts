import type { Logger } from "../log";
import type { Deliver } from "./deliverer";
import type { Outbox } from "./outbox";
import type { AttemptOutcome, ClaimedDelivery } from "./types";

export interface AttemptDeps {
  outbox: Pick<Outbox, "claimDue" | "finishAttempt">;
  deliver: Deliver;
  log: Logger;
  /** Holder of the leases, written to `claimed_by`. */
  instanceId: string;
}

/**
 * Makes one attempt at a claimed delivery and records it, releasing the lease. Never throws: a
 * failure to record is logged and the delivery comes back when its lease expires.
 *
 * @example
 * for (const claimed of await outbox.claimDue({ instanceId, limit: 4, leaseMs })) await attemptDelivery(deps, claimed);
 */
export async function attemptDelivery(deps: AttemptDeps, claimed: ClaimedDelivery): Promise<void> {
  const { outbox, deliver, log, instanceId } = deps;
  let outcome: AttemptOutcome;
  try {
    outcome = await deliver(claimed);
  } catch (err) {
    // deliver() does not throw; this keeps a bug from stranding the lease until it expires.
    outcome = { kind: "failed", startedAt: new Date().toISOString(), durationMs: 0, error: String(err) };
  }
  try {
    const settled = await outbox.finishAttempt(claimed, outcome, instanceId);
    if (!settled) log.warn({ deliveryId: claimed.id, instanceId }, "Callback lease expired before its attempt was recorded");
  } catch (err) {
    log.error({ deliveryId: claimed.id, err }, "Could not record a callback attempt; it will be retried when its lease expires");
  }
}

/**
 * One delivery round without a long-lived loop (Workers: after an enqueue and from the cron
 * trigger): claims up to `limit` due deliveries and attempts each once. Resolves with how many
 * were attempted; never rejects.
 *
 * @example
 * const attempted = await deliverDueOnce({ outbox, deliver, log, instanceId }, { limit: 20, leaseMs: 90_000 });
 */
export async function deliverDueOnce(deps: AttemptDeps, options: { limit: number; leaseMs: number }): Promise<number> {
  let claimed: ClaimedDelivery[];
  try {
    claimed = await deps.outbox.claimDue({ instanceId: deps.instanceId, limit: options.limit, leaseMs: options.leaseMs });
  } catch (err) {
    deps.log.error({ err }, "Could not claim due callbacks");
    return 0;
  }
  await Promise.all(claimed.map((delivery) => attemptDelivery(deps, delivery)));
  return claimed.length;
}
