import type { Message } from "./types";

/** §7.5 helpers for turning stored messages into prompt context. */

const REVIEW_PREFIXES = ["[Review Agent Request]", "[Review Agent Response]"];

/**
 * Messages as prompt text: review-agent traffic dropped, `user: …` / `cursor: …` lines joined by a
 * blank line; `""` when nothing is left.
 *
 * @example
 * buildContextString([{ role: "user", content: "hi", timestamp }]); // "user: hi"
 */
export function buildContextString(messages: readonly Message[]): string {
  return messages
    .filter((message) => !REVIEW_PREFIXES.some((prefix) => message.content.startsWith(prefix)))
    .map((message) => `${message.role === "user" ? "user" : "cursor"}: ${message.content}`)
    .join("\n\n");
}

const CONTEXT_WINDOW_ERRORS = [
  /context.*window.*too.*large/i,
  /context.*length.*exceeded/i,
  /token.*limit.*exceeded/i,
  /maximum.*context.*length/i,
  /context.*too.*long/i,
];

/** True when an agent's output says the prompt no longer fits its context window (§5.4). */
export const isContextWindowError = (text: string): boolean => CONTEXT_WINDOW_ERRORS.some((pattern) => pattern.test(text));
