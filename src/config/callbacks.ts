import { type BuildContext, type EnvValues, flag, int, list, text, url } from "./parse";

/** Callback delivery: the webhook secret, allowed hosts, the outbox's retry schedule. */
export const callbacksEnv = {
  JAREK_VA_URL: url(),
  WEBHOOK_SECRET: text(),
  CALLBACK_ALLOWED_HOSTS: list(),
  ELEVENLABS_AGENT_ENABLED: flag(),
  CALLBACK_MAX_ATTEMPTS: int("attempts per callback", 6, 1, 100),
  CALLBACK_RETRY_BASE_MS: int("milliseconds before the first retry", 20_000, 0),
  CALLBACK_RETRY_MAX_MS: int("milliseconds, longest wait between retries", 600_000, 0),
  CALLBACK_TIMEOUT_MS: int("milliseconds per callback attempt", 30_000),
  CALLBACK_POLL_MS: int("milliseconds between outbox polls", 1000),
};

export function callbacksConfig(e: EnvValues<typeof callbacksEnv>, _ctx: BuildContext) {
  return {
    callbacks: {
      webhookSecret: e.WEBHOOK_SECRET,
      jarekVaUrl: e.JAREK_VA_URL ?? "http://app:3000/",
      allowedHosts: e.CALLBACK_ALLOWED_HOSTS,
      elevenLabsEnabled: e.ELEVENLABS_AGENT_ENABLED,
      /** Outbox delivery: 6 attempts, waits doubling from 20 s (about 10 minutes in all). */
      retry: {
        maxAttempts: e.CALLBACK_MAX_ATTEMPTS,
        baseDelayMs: e.CALLBACK_RETRY_BASE_MS,
        factor: 2,
        maxDelayMs: e.CALLBACK_RETRY_MAX_MS,
      },
      timeoutMs: e.CALLBACK_TIMEOUT_MS,
      pollMs: e.CALLBACK_POLL_MS,
    },
  };
}
