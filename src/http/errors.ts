import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The one error type of the service. Anything thrown as an HttpError becomes the §2.3 envelope
 * `{ success: false, error, ...extra }` with its status; anything else becomes a 500 whose message
 * never leaks internals.
 *
 * @example
 * throw new HttpError(404, "Task not found");
 * throw new HttpError(429, "Execution queue is full", { headers: { "Retry-After": "5" } });
 */
export class HttpError extends Error {
  override name = "HttpError";
  readonly status: ContentfulStatusCode;
  /** Extra fields merged into the response body (e.g. `path`, `method`). */
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    message: string,
    options: { extra?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

export interface ErrorEnvelope {
  success: false;
  error: string;
  [key: string]: unknown;
}

export const errorBody = (message: string, extra: Record<string, unknown> = {}): ErrorEnvelope => ({
  success: false,
  error: message,
  ...extra,
});
