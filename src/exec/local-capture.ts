// Runtime-neutral (TextDecoder only), though only the local executor uses it.

/** What one chunk of raw output became. */
export interface CapturedChunk {
  /** Decoded text kept from the chunk ("" when nothing complete was kept). */
  text: string;
  /** True once the stream has gone past the cap (this chunk or an earlier one). */
  overflow: boolean;
}

/**
 * Bounded capture of one output stream: keeps at most `maxBytes` bytes and decodes them as UTF-8
 * with a streaming decoder, so a multi-byte character split across reads is emitted whole.
 *
 * @example
 * const capture = createCapture(10_485_760);
 * child.stdout.on("data", (buf) => {
 *   const { text, overflow } = capture.push(buf);
 *   if (overflow) stop("output_cap");
 * });
 * const stdout = capture.text() + capture.end();
 */
export function createCapture(maxBytes: number) {
  const decoder = new TextDecoder("utf-8");
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
      const text = decoder.decode(slice, { stream: true });
      if (text) parts.push(text);
      return { text, overflow };
    },

    /**
     * Flushes the decoder at end of stream. After an overflow the held bytes are the front of a
     * character cut by the cap, so they are dropped rather than turned into U+FFFD.
     */
    end(): string {
      if (overflow) return "";
      const text = decoder.decode();
      if (text) parts.push(text);
      return text;
    },

    /** Everything kept so far. */
    text: (): string => parts.join(""),
  };
}
