// Runtime-neutral: base64 of bytes and back, with btoa/atob (Node ≥ 16 and Workers both have them).

/** Bytes per btoa call: a multiple of 3, so the pieces concatenate into one valid base64 string. */
const CHUNK = 3 * 8192;

/**
 * Encodes bytes as standard base64 (with padding).
 *
 * @example
 * bytesToBase64(new Uint8Array([104, 105])); // "aGk="
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let at = 0; at < bytes.byteLength; at += CHUNK) {
    parts.push(btoa(String.fromCharCode(...bytes.subarray(at, at + CHUNK))));
  }
  return parts.join("");
}

/** Decodes standard base64; throws on malformed input (atob's InvalidCharacterError). */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Exact decoded size of a well-formed base64 string, without decoding it. */
export function base64ByteLength(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}
