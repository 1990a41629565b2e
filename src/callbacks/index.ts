import type { Client } from "@libsql/client";
import type { Config } from "../config";
import type { Logger } from "../log";
import { createDeliverer } from "./deliverer";
import { createOutbox, type Outbox } from "./outbox";
import type { Delivery, EnqueueInput } from "./types";
import { type CallbackWorker, type CallbackWorkerOptions, startCallbackWorker } from "./worker";

export interface Callbacks {
  outbox: Outbox;
  /** Stores the callback and wakes the worker (if this process runs one). Throws CallbackUrlError for a bad URL. */
  enqueue(input: EnqueueInput): Promise<Delivery>;
  /** Wakes this process's worker; a no-op when none runs (another instance's poll picks the work up). */
  kick(): void;
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
}: {
  db: Client;
  config: Config;
  log: Logger;
  /** Written to `claimed_by`; defaults to a fresh uuid. */
  instanceId?: string;
}): Callbacks {
  const settings = config.callbacks;
  const outbox = createOutbox(db, { retry: settings.retry });
  let worker: CallbackWorker | undefined;
  const kick = () => worker?.kick();

  return {
    outbox,
    kick,
    async enqueue(input) {
      const delivery = await outbox.enqueue(input);
      kick();
      return delivery;
    },
    startWorker(overrides = {}) {
      const deliver = createDeliverer({
        webhookSecret: settings.webhookSecret,
        allowedHosts: settings.allowedHosts,
        elevenLabsEnabled: settings.elevenLabsEnabled,
        timeoutMs: settings.timeoutMs,
        log,
      });
      const started = startCallbackWorker({
        outbox,
        deliver,
        log,
        pollMs: settings.pollMs,
        instanceId: instanceId ?? crypto.randomUUID(),
        // A lease must outlast one attempt, or a slow receiver would be called twice.
        leaseMs: settings.timeoutMs * 3,
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
