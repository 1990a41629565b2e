// Runtime-neutral (TextDecoder and btoa only), though only the local executor uses it.
import { bytesToBase64 } from "./base64";
import type { StreamEncoding } from "./types";

/** What one chunk of raw output became. */
export interface CapturedChunk {
  /** Decoded text kept from the chunk ("" when nothing complete was kept). */
  text: string;
  /** True once the stream has gone past the cap (this chunk or an earlier one). */
  overflow: boolean;
}

/** Turns a stream's kept bytes into text, piece by piece. */
interface Decoder {
  push(bytes: Uint8Array): string;
  /** What is held back at end of stream; `overflow` says the last bytes were cut by the cap. */
  end(overflow: boolean): string;
}

/** UTF-8 with a streaming decoder, so a multi-byte character split across reads is emitted whole. */
function utf8Decoder(): Decoder {
  const decoder = new TextDecoder("utf-8");
  return {
    push: (bytes) => decoder.decode(bytes, { stream: true }),
    // After an overflow the held bytes are the front of a character cut by the cap: dropped, not U+FFFD.
    end: (overflow) => (overflow ? "" : decoder.decode()),
  };
}

/** Base64 of whole 3-byte groups per chunk (the 0–2 bytes left over wait for the next), so chunks concatenate. */
function base64Decoder(): Decoder {
  let held = new Uint8Array(0);
  return {
    push(bytes) {
      const all = held.byteLength === 0 ? bytes : concat(held, bytes);
      const whole = all.byteLength - (all.byteLength % 3);
      held = all.slice(whole);
      return bytesToBase64(all.subarray(0, whole));
    },
    end() {
      const rest = bytesToBase64(held);
      held = new Uint8Array(0);
      return rest;
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

/**
 * Bounded capture of one output stream: keeps at most `maxBytes` bytes and turns them into text —
 * UTF-8 (default) or base64 of the raw bytes (`encoding: "base64"`, for binary output).
 *
 * @example
 * const capture = createCapture(10_485_760);
 * child.stdout.on("data", (buf) => {
 *   const { text, overflow } = capture.push(buf);
 *   if (overflow) stop("output_cap");
 * });
 * const stdout = capture.text() + capture.end();
 */
export function createCapture(maxBytes: number, encoding: StreamEncoding = "utf8") {
  const decoder = encoding === "base64" ? base64Decoder() : utf8Decoder();
  const parts: string[] = [];
  let kept = 0;
  let overflow = false;

  return {
    push(chunk: Uint8Array): CapturedChunk {
      if (overflow) return { text: "", overflow };
      const room = maxBytes - kept;
      const slice = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
      overflow = slice !== chunk;
      kept += slice.byteLength;
      const text = decoder.push(slice);
      if (text) parts.push(text);
      return { text, overflow };
    },

    /** Flushes what the decoder holds at end of stream. */
    end(): string {
      const text = decoder.end(overflow);
      if (text) parts.push(text);
      return text;
    },

    /** Everything kept so far. */
    text: (): string => parts.join(""),
  };
}
