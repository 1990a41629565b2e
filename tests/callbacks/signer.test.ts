import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sign, verify } from "../../src/callbacks/signer";

const secret = "whsec-test";
const body = JSON.stringify({ success: true, requestId: "req-1", output: "héllo ✓" });
const t = 1_700_000_000;

describe("signer", () => {
  it("signs as t=<seconds>,v1=<hex HMAC-SHA256(secret, '<t>.<body>')>", async () => {
    const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    expect(await sign(secret, t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it("round-trips", async () => {
    const header = await sign(secret, t, body);
    expect(await verify(secret, header, body, 300, t + 10)).toEqual({ valid: true, timestamp: t });
  });

  it("detects a changed body, signature, timestamp or secret", async () => {
    const header = await sign(secret, t, body);
    expect(await verify(secret, header, `${body} `, 300, t)).toEqual({ valid: false, reason: "signature does not match" });
    expect(await verify("other", header, body, 300, t)).toMatchObject({ valid: false });
    const flipped = header.replace(/v1=(.)/, (_m, c: string) => `v1=${c === "0" ? "1" : "0"}`);
    expect(await verify(secret, flipped, body, 300, t)).toMatchObject({ valid: false, reason: "signature does not match" });
    const retimed = header.replace(`t=${t}`, `t=${t + 1}`);
    expect(await verify(secret, retimed, body, 300, t)).toMatchObject({ valid: false, reason: "signature does not match" });
  });

  it("refuses a stale timestamp and a malformed or missing header", async () => {
    const header = await sign(secret, t, body);
    expect(await verify(secret, header, body, 300, t + 301)).toEqual({
      valid: false,
      reason: "signature timestamp outside tolerance",
    });
    expect(await verify(secret, undefined, body)).toEqual({ valid: false, reason: "missing signature header" });
    expect(await verify(secret, "v1=abc", body)).toMatchObject({ valid: false, reason: "signature header has no timestamp" });
    expect(await verify(secret, `t=${t}`, body, 300, t)).toMatchObject({
      valid: false,
      reason: "signature header has no v1 signature",
    });
  });

  it("accepts any of several v1 values (secret rotation)", async () => {
    const header = await sign(secret, t, body);
    const v1 = header.split("v1=")[1];
    expect(await verify(secret, `t=${t},v1=${"0".repeat(64)},v1=${v1}`, body, 300, t)).toMatchObject({ valid: true });
  });
});
