import type { Client } from "@libsql/client";
import type { Config } from "../config";
import type { Logger } from "../log";
import { deliverDueOnce } from "./attempt";
import { createDeliverer } from "./deliverer";
import { createOutbox, type Outbox } from "./outbox";
import type { Delivery, EnqueueInput } from "./types";
import { type CallbackWorker, type CallbackWorkerOptions, startCallbackWorker } from "./worker";

export interface Callbacks {
  outbox: Outbox;
  /** Stores the callback and wakes the worker (if this process runs one). Throws CallbackUrlError for a bad URL. */
  enqueue(input: EnqueueInput): Promise<Delivery>;
  /**
   * Wakes this process's worker. Without one: a single delivery round handed to `background`
   * (Workers), else nothing (another instance's poll picks the work up).
   */
  kick(): void;
  /** One delivery round without a worker: attempts what is due now, once each (the Workers cron). */
  deliverDue(options?: { limit?: number }): Promise<number>;
  /** Starts this process's delivery loop over the configured deliverer. One per process. */
  startWorker(overrides?: Partial<Omit<CallbackWorkerOptions, "outbox" | "log">>): CallbackWorker;
}

/**
 * The callbacks part of Deps: the outbox plus a late-bound `kick`, so handlers and runs can wake the
 * worker that the Node server starts after the deps are built (Workers may never start one).
 *
 * @example
 * const callbacks = createCallbacks({ db, config, log });
 * const worker = callbacks.startWorker();          // src/node/server.ts
 * await callbacks.enqueue({ runId, requestId, url, payload });
 * await worker.stop();                              // on shutdown
 */
export function createCallbacks({
  db,
  config,
  log,
  instanceId,
  background,
}: {
  db: Client;
  config: Config;
  log: Logger;
  /** Written to `claimed_by`; defaults to a fresh uuid. */
  instanceId?: string;
  /** Where work outlives the request only if told (Workers' waitUntil); see `kick`. */
  background?: (work: Promise<unknown>) => void;
}): Callbacks {
  const settings = config.callbacks;
  const outbox = createOutbox(db, { retry: settings.retry });
  const holder = instanceId ?? crypto.randomUUID();
  // A lease must outlast one attempt, or a slow receiver would be called twice.
  const leaseMs = settings.timeoutMs * 3;
  const deliverer = () =>
    createDeliverer({
      webhookSecret: settings.webhookSecret,
      allowedHosts: settings.allowedHosts,
      elevenLabsEnabled: settings.elevenLabsEnabled,
      timeoutMs: settings.timeoutMs,
      log,
    });
  let worker: CallbackWorker | undefined;
  const deliverDue = ({ limit = 20 }: { limit?: number } = {}) =>
    deliverDueOnce({ outbox, deliver: deliverer(), log, instanceId: holder }, { limit, leaseMs });
  const kick = () => {
    if (worker) worker.kick();
    else if (background) background(deliverDue());
  };

  return {
    outbox,
    kick,
    deliverDue,
    async enqueue(input) {
      const delivery = await outbox.enqueue(input);
      kick();
      return delivery;
    },
    startWorker(overrides = {}) {
      const started = startCallbackWorker({
        outbox,
        deliver: deliverer(),
        log,
        pollMs: settings.pollMs,
        instanceId: holder,
        leaseMs,
        ...overrides,
      });
      worker = started;
      return {
        kick: started.kick,
        async stop() {
          if (worker === started) worker = undefined;
          await started.stop();
        },
      };
    },
  };
}

export type { AttemptRecord, ClaimedDelivery, Delivery, DeliveryStatus, EnqueueInput } from "./types";
export { CallbackUrlError } from "./urls";
export type { CallbackWorker } from "./worker";
