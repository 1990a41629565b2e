import { StoreUnavailableError } from "../errors";

/** A Redis command as the server reads it: name, then arguments. */
export type RedisCommand = string[];

/**
 * What the portable core needs from a Redis client; ../redis.ts (TCP) and ../upstash.ts (HTTP) each
 * implement it in a few lines. Replies are raw RESP2 values (strings, numbers, arrays, null).
 */
export interface RedisTransport {
  /** One command. A transport may batch calls made in the same tick into one round trip. */
  call(command: RedisCommand): Promise<unknown>;
  /** Independent commands in one round trip; replies in order. */
  pipeline(commands: RedisCommand[]): Promise<unknown[]>;
  /** Commands in one MULTI/EXEC; replies in order. */
  transaction(commands: RedisCommand[]): Promise<unknown[]>;
}

/**
 * Maps failures to the one error callers branch on: an error the server replied with is a bug and
 * stays as it is (`isReplyError`); failing to get any reply means Redis is out of reach.
 */
export function guardTransport(
  backend: string,
  isReplyError: (error: unknown) => boolean,
  transport: RedisTransport,
): RedisTransport {
  const guard =
    <A, R>(send: (arg: A) => Promise<R>) =>
    async (arg: A): Promise<R> => {
      try {
        return await send(arg);
      } catch (error) {
        if (isReplyError(error)) throw error;
        throw new StoreUnavailableError(backend, error);
      }
    };
  return {
    call: guard((command) => transport.call(command)),
    pipeline: guard((commands) => transport.pipeline(commands)),
    transaction: guard((commands) => transport.transaction(commands)),
  };
}

/**
 * SHA-1 of a value as Redis's `redis.sha1hex` computes it (over its UTF-8 bytes), with WebCrypto so
 * every runtime has it. Only an equality check for compare-and-set, not a security measure.
 */
export async function sha1Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(value)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
