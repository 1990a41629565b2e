import { type Logger, redactUrl } from "../log";
import { DELIVERY_HEADER, SIGNATURE_HEADER, sign } from "./signer";
import type { AttemptOutcome, ClaimedDelivery } from "./types";
import { isElevenLabsCallbackUrl, isHostAllowed } from "./urls";

export const ELEVENLABS_SKIP_MESSAGE = "ElevenLabs agent feature is disabled, skipping callback";
const USER_AGENT = "cursor-runner/1.0";
/** Enough of an error page to tell what went wrong, not enough to flood the table or the log. */
const MAX_ERROR_BODY_CHARS = 500;

export interface DelivererOptions {
  /** WEBHOOK_SECRET: used when the callback URL carried no `?secret=` of its own. */
  webhookSecret?: string | undefined;
  /** CALLBACK_ALLOWED_HOSTS: empty allows every host. */
  allowedHosts: readonly string[];
  /** ELEVENLABS_AGENT_ENABLED (§10.10). */
  elevenLabsEnabled: boolean;
  /** Per attempt, covering the response body too (default 30 s). */
  timeoutMs?: number;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

export type Deliver = (delivery: ClaimedDelivery) => Promise<AttemptOutcome>;

/**
 * Makes one attempt at a claimed delivery and reports the outcome; it never throws and never writes to
 * the database (the worker records the outcome).
 *
 * Secrets: the delivery's own `?secret=`, else WEBHOOK_SECRET, is sent as `X-Runner-Signature` (HMAC) and
 * the legacy `X-Webhook-Secret` / `X-Cursor-Runner-Secret`. When CALLBACK_ALLOWED_HOSTS is set and the host
 * is not on it, the callback is still sent, but with no secret material at all (no legacy headers, no
 * signature), and a warning is logged: a receiver that checks signatures rejects it visibly, and no
 * secret ever reaches a host the operator did not list. Redirects are not followed, since a redirect
 * could carry the secret headers to another host.
 *
 * @example
 * const deliver = createDeliverer({ webhookSecret, allowedHosts: [], elevenLabsEnabled: false, log });
 * const outcome = await deliver(claimed); // { kind: "failed", error: "Webhook returned 500: …", … }
 */
export function createDeliverer(options: DelivererOptions): Deliver {
  const { log, allowedHosts } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;

  return async (delivery) => {
    const safeUrl = redactUrl(delivery.url);
    const context = { deliveryId: delivery.id, runId: delivery.runId, requestId: delivery.requestId, url: safeUrl };

    if (!options.elevenLabsEnabled && isElevenLabsCallbackUrl(delivery.url)) {
      // The original logged the URL with `secret=***`; ours never holds the secret, so it is safe as is.
      log.info(context, ELEVENLABS_SKIP_MESSAGE);
      return { kind: "skipped", reason: ELEVENLABS_SKIP_MESSAGE };
    }

    let secret = delivery.secret ?? options.webhookSecret;
    if (secret && !isHostAllowed(delivery.url, allowedHosts)) {
      log.warn(context, "Callback host is not in CALLBACK_ALLOWED_HOSTS; sending it without secret headers or signature");
      secret = undefined;
    }

    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": USER_AGENT,
      [DELIVERY_HEADER]: delivery.id,
    };
    if (secret) {
      headers[SIGNATURE_HEADER] = await sign(secret, Math.floor(now() / 1000), delivery.payload);
      headers["X-Webhook-Secret"] = secret;
      headers["X-Cursor-Runner-Secret"] = secret;
    }

    const attempt = delivery.attempts + 1;
    const started = now();
    const startedAt = new Date(started).toISOString();
    log.info({ ...context, attempt, signed: Boolean(secret) }, "Calling callback webhook");
    try {
      const response = await doFetch(delivery.url, {
        method: "POST",
        headers,
        body: delivery.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel().catch(() => {});
        const durationMs = now() - started;
        log.info({ ...context, attempt, status: response.status, durationMs }, "Callback delivered");
        return { kind: "delivered", startedAt, durationMs, httpStatus: response.status };
      }
      const error = `Webhook returned ${response.status}: ${await readSnippet(response)}`;
      const durationMs = now() - started;
      log.warn({ ...context, attempt, status: response.status, durationMs, error }, "Callback attempt failed");
      return { kind: "failed", startedAt, durationMs, httpStatus: response.status, error };
    } catch (err) {
      const error = describeFetchError(err, timeoutMs);
      const durationMs = now() - started;
      log.warn({ ...context, attempt, durationMs, error }, "Callback attempt failed");
      return { kind: "failed", startedAt, durationMs, error };
    }
  };
}

/** The first few hundred characters of a response body, without reading the rest. */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length <= MAX_ERROR_BODY_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // a body cut short still tells us the status
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.length > MAX_ERROR_BODY_CHARS ? `${text.slice(0, MAX_ERROR_BODY_CHARS)}…` : text;
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return `Webhook timed out after ${timeoutMs} ms`;
  }
  if (!(err instanceof Error)) return String(err);
  // Node's fetch says only "fetch failed"; the cause has the useful part (ECONNREFUSED, ENOTFOUND…).
  const cause = err.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${err.message} (${detail})` : err.message;
}
