/**
 * Callback signatures: `X-Runner-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is inside the MAC so a captured request cannot be replayed later than the receiver's
 * tolerance. Web Crypto only, so it runs on Node and Workers alike.
 */

export const SIGNATURE_HEADER = "X-Runner-Signature";
export const DELIVERY_HEADER = "X-Runner-Delivery";

const encoder = new TextEncoder();

const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

/** Compares two strings in time independent of where they differ. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * The signature header value for one attempt.
 *
 * @example
 * const header = await sign(secret, Math.floor(Date.now() / 1000), body);
 * // "t=1700000000,v1=5f0c…"
 */
export async function sign(secret: string, timestampSeconds: number, rawBody: string): Promise<string> {
  const t = Math.floor(timestampSeconds);
  return `t=${t},v1=${await hmacHex(secret, `${t}.${rawBody}`)}`;
}

export type VerifyResult = { valid: true; timestamp: number } | { valid: false; reason: string };

/**
 * Checks a signature header against the raw request body, for receivers and tests. Accepts several
 * `v1=` values (as during a secret rotation); any match is enough.
 *
 * @example
 * const result = await verify(secret, req.headers["x-runner-signature"], rawBody, 300);
 * if (!result.valid) return reply(401, result.reason);
 */
export async function verify(
  secret: string,
  header: string | null | undefined,
  rawBody: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<VerifyResult> {
  if (!header) return { valid: false, reason: "missing signature header" };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && value) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined) return { valid: false, reason: "signature header has no timestamp" };
  if (signatures.length === 0) return { valid: false, reason: "signature header has no v1 signature" };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return { valid: false, reason: "signature timestamp outside tolerance" };
  const expected = await hmacHex(secret, `${timestamp}.${rawBody}`);
  return signatures.some((candidate) => constantTimeEqual(candidate, expected))
    ? { valid: true, timestamp }
    : { valid: false, reason: "signature does not match" };
}
