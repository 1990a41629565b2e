import type { Callbacks } from "../callbacks";
import type { Logger } from "../log";
import { callbackPayload } from "./compat";
import type { RunHooks } from "./service";
import type { RunRecord } from "./types";

/** Rebuilds the callback URL with its own secret, which the outbox takes out again and sends as a header. */
export function callbackTarget(run: Pick<RunRecord, "callbackUrl" | "callbackSecret">): string | null {
  if (!run.callbackUrl) return null;
  if (!run.callbackSecret) return run.callbackUrl;
  const url = new URL(run.callbackUrl);
  url.searchParams.set("secret", run.callbackSecret);
  return url.toString();
}

/**
 * What happens around every run: its result is queued for delivery to its callback URL (the
 * outbox retries and survives restarts).
 */
export function createRunHooks(deps: { callbacks: Callbacks; log: Logger }): RunHooks {
  return {
    async onFinish(run) {
      const url = callbackTarget(run);
      if (!url) return;
      await deps.callbacks.enqueue({ runId: run.id, requestId: run.requestId, url, payload: callbackPayload(run) });
    },
  };
}
