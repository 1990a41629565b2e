// The retry policy's pieces: which errors are retried, and the wait a server asks for.
import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { isRetryable, retryAfterMs, withRetries } from "../../src/desktop-agent/retry";

const apiError = (statusCode: number | undefined, headers: Record<string, string> = {}) =>
  new APICallError({
    message: `status ${statusCode}`,
    url: "http://x",
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    isRetryable: statusCode === undefined,
  });

describe("the model-call retry policy", () => {
  it("retries 429, 408, 409 and 5xx and lost connections; not 400, 401, 404 or other errors", () => {
    for (const status of [429, 408, 409, 500, 502, 503, 529]) expect(isRetryable(apiError(status)), String(status)).toBe(true);
    expect(isRetryable(apiError(undefined))).toBe(true);
    for (const status of [400, 401, 403, 404, 422]) expect(isRetryable(apiError(status)), String(status)).toBe(false);
    expect(isRetryable(new Error("boom"))).toBe(false);
  });

  it("reads retry-after-ms, retry-after in seconds and as an HTTP date (any header case)", () => {
    expect(retryAfterMs(apiError(429, { "retry-after-ms": "250" }))).toBe(250);
    expect(retryAfterMs(apiError(429, { "Retry-After": "3" }))).toBe(3000);
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(retryAfterMs(apiError(429, { "retry-after": "Tue, 01 Jan 2030 00:00:05 GMT" }), now)).toBe(5000);
    expect(retryAfterMs(apiError(429, { "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(apiError(429))).toBeUndefined();
  });

  it("gives up after its retries with the last error, and at once on an error a retry cannot fix", async () => {
    let calls = 0;
    const signal = new AbortController().signal;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw apiError(503);
        },
        { retries: 2, minMs: 1, maxMs: 5 },
        signal,
      ),
    ).rejects.toThrow("status 503");
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw apiError(400);
        },
        { retries: 5, minMs: 1, maxMs: 5 },
        signal,
      ),
    ).rejects.toThrow("status 400");
    expect(calls).toBe(1);
  });
});
