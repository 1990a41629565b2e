import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, retryDelay } from "../../src/callbacks/backoff";
import { CallbackUrlError, isElevenLabsCallbackUrl, isHostAllowed, splitSecret } from "../../src/callbacks/urls";

describe("splitSecret", () => {
  it("takes the secret out of the URL and keeps everything else", () => {
    expect(splitSecret("https://app.test/cb?a=1&secret=s3cr3t&b=2")).toEqual({
      url: "https://app.test/cb?a=1&b=2",
      secret: "s3cr3t",
    });
    expect(splitSecret("http://app.test/cb?secret=x")).toEqual({ url: "http://app.test/cb", secret: "x" });
    expect(splitSecret("http://app.test/cb")).toEqual({ url: "http://app.test/cb", secret: undefined });
  });

  it("refuses non-http URLs without echoing them", () => {
    expect(() => splitSecret("not a url?secret=leak")).toThrow(CallbackUrlError);
    expect(() => splitSecret("not a url?secret=leak")).not.toThrow(/leak/);
    expect(() => splitSecret("file:///etc/passwd")).toThrow("Callback URL must use http or https, not file");
  });
});

describe("isHostAllowed", () => {
  it("allows every host when the list is empty", () => {
    expect(isHostAllowed("https://anywhere.test/x", [])).toBe(true);
  });

  it("matches hostname, host:port and *.domain", () => {
    expect(isHostAllowed("https://App.Internal/cb", ["app.internal"])).toBe(true);
    expect(isHostAllowed("http://127.0.0.1:4000/cb", ["127.0.0.1:4000"])).toBe(true);
    expect(isHostAllowed("http://127.0.0.1:4001/cb", ["127.0.0.1:4000"])).toBe(false);
    expect(isHostAllowed("https://a.b.example.com/cb", ["*.example.com"])).toBe(true);
    expect(isHostAllowed("https://evilexample.com/cb", ["*.example.com"])).toBe(false);
    expect(isHostAllowed("https://app.internal.evil.test/cb", ["app.internal"])).toBe(false);
  });
});

describe("isElevenLabsCallbackUrl (§10.10)", () => {
  it.each([
    ["https://elevenlabs-agent.example/x", true],
    ["https://api.elevenlabs.io/v1/callback", true],
    ["https://api.elevenlabs.io/v1/other", false],
    ["https://app.test/callback", false],
    ["::not a url", false],
  ])("%s → %s", (url, expected) => {
    expect(isElevenLabsCallbackUrl(url)).toBe(expected);
  });
});

describe("retryDelay", () => {
  it("doubles from the base delay, with at most ±20 % jitter", () => {
    const policy = { ...DEFAULT_RETRY_POLICY };
    expect(retryDelay(1, policy, () => 0.5)).toBe(20_000);
    expect(retryDelay(2, policy, () => 0.5)).toBe(40_000);
    expect(retryDelay(1, policy, () => 0)).toBe(16_000);
    expect(retryDelay(1, policy, () => 1)).toBe(24_000);
    expect(retryDelay(20, policy, () => 0.5)).toBe(policy.maxDelayMs);
  });

  it("spreads the default 6 attempts over about 10 minutes", () => {
    const waits = [1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, DEFAULT_RETRY_POLICY, () => 0.5));
    expect(waits.reduce((a, b) => a + b, 0)).toBe(620_000);
  });
});
