import { type DestinationStream, type Logger as PinoLogger, pino } from "pino";

export type Logger = PinoLogger;

/** Keys whose values never reach a log line, wherever they appear (two levels deep). */
export const SECRET_KEYS = [
  "authorization",
  "token",
  "tokens",
  "secret",
  "password",
  "apiKey",
  "api_key",
  "webhookSecret",
  "x-webhook-secret",
  "x-cursor-runner-secret",
  "cookie",
];

/** pino redact paths for SECRET_KEYS (shared with the Workers logger, src/worker/log.ts). */
export const redactPaths = SECRET_KEYS.flatMap((key) => {
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  const step = plain ? `.${key}` : `["${key}"]`;
  return [plain ? key : step, `*${step}`, `*.*${step}`];
});

/**
 * JSON-lines logger (pino) with secrets redacted by key.
 *
 * @example
 * const log = createLogger({ level: "info" });
 * log.info({ requestId }, "Health check requested");
 */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "cursor-runner" },
      redact: { paths: redactPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

const SECRET_PARAM = /^(secret|token|access_token|api_key|apikey|key|password|auth)$/i;

/** Masks secret-looking query parameters of a URL or path: `/x?secret=abc` → `/x?secret=***`. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart === -1) return url;
  const params = url
    .slice(queryStart + 1)
    .split("&")
    .map((pair) => {
      const [name = "", ...rest] = pair.split("=");
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return SECRET_PARAM.test(decoded) && rest.length > 0 ? `${name}=***` : pair;
    });
  return `${url.slice(0, queryStart)}?${params.join("&")}`;
}
