// Runtime-neutral: reading exact byte counts from a stream that arrives in arbitrary chunks.

/**
 * A queue of received bytes with `read(n)`: resolves with exactly n bytes once they have arrived,
 * or rejects when the stream ends first. Used for the RFB handshakes, where each step waits for a
 * fixed-size answer; `take()` hands over whatever is left when the handshake is done.
 *
 * @example
 * const reader = createByteReader();
 * socket.onData = (chunk) => reader.push(chunk);
 * const version = await reader.read(12);
 */
export function createByteReader(options: { maxBuffered?: number } = {}) {
  const maxBuffered = options.maxBuffered ?? 1024 * 1024;
  let chunks: Uint8Array[] = [];
  let length = 0;
  let waiter: { n: number; resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void } | undefined;
  let ended: Error | undefined;

  const takeExactly = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = chunks[0]!;
      const need = n - filled;
      if (head.length <= need) {
        out.set(head, filled);
        filled += head.length;
        chunks.shift();
      } else {
        out.set(head.subarray(0, need), filled);
        chunks[0] = head.subarray(need);
        filled += need;
      }
    }
    length -= n;
    return out;
  };

  const settle = () => {
    if (!waiter) return;
    if (length >= waiter.n) {
      const { n, resolve } = waiter;
      waiter = undefined;
      resolve(takeExactly(n));
    } else if (ended) {
      const { reject } = waiter;
      waiter = undefined;
      reject(ended);
    }
  };

  return {
    push(chunk: Uint8Array) {
      if (ended || chunk.length === 0) return;
      chunks.push(chunk);
      length += chunk.length;
      // A peer that floods the handshake with bytes nobody asked for is cut off, not buffered.
      if (length > maxBuffered) ended = new Error("Too much data before the handshake finished");
      settle();
    },
    read(n: number): Promise<Uint8Array> {
      if (waiter) return Promise.reject(new Error("One read at a time"));
      return new Promise((resolve, reject) => {
        waiter = { n, resolve, reject };
        settle();
      });
    },
    /** The stream ended (or failed): a pending read and later ones reject with `error`. */
    end(error = new Error("The connection closed during the handshake")) {
      ended ??= error;
      settle();
    },
    /** Everything received and not read yet (the reader is empty afterwards). */
    take(): Uint8Array {
      const rest = length > 0 ? takeExactly(length) : new Uint8Array(0);
      chunks = [];
      return rest;
    },
  };
}

export type ByteReader = ReturnType<typeof createByteReader>;

export const u16 = (bytes: Uint8Array, at: number) => (bytes[at]! << 8) | bytes[at + 1]!;
export const u32 = (bytes: Uint8Array, at: number) =>
  ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
export const u32Bytes = (value: number) =>
  new Uint8Array([(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
