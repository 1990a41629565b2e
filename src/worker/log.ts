// Runtime-neutral: bundled for Workers, where "pino" resolves to its browser build (no streams, no workers).
import { pino } from "pino";
import { type Logger, redactPaths } from "../log";

/**
 * The Workers logger: pino's browser build (chosen by the bundler's `browser` condition), writing one
 * JSON line per entry to `console.log`, which Workers Logs collect. Same levels, `msg` key, error
 * serialisation and secret redaction as the Node logger.
 *
 * @example
 * const log = createWorkerLogger("info");
 * log.info({ runId }, "Run started");
 */
export function createWorkerLogger(level: string, write: (line: string) => void = console.log): Logger {
  const root = pino({
    level,
    redact: { paths: redactPaths, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
    browser: { asObject: true, serialize: true, write: (entry: object) => write(JSON.stringify(entry)) },
  });
  // The browser build ignores `base`; a child binding puts the service name on every line.
  return root.child({ service: "cursor-runner" });
}
