/** Ids in the original's formats, from Web Crypto (runtime-neutral). */

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Nine random base-36 characters, the original's `{id9}`. */
export function randomId9(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  let out = "";
  for (const byte of bytes) out += BASE36[byte % 36];
  return out;
}

/** §7.2: conversation ids are UUID v4. */
export const newConversationId = (): string => crypto.randomUUID();

/** §8: `agent-{epochMs}-{id9}`. */
export const newAgentConversationId = (now = Date.now()): string => `agent-${now}-${randomId9()}`;

/** §8: `msg-{epochMs}-{id9}`. */
export const newAgentMessageId = (now = Date.now()): string => `msg-${now}-${randomId9()}`;
