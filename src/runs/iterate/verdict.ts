import type { Verdict } from "./types";

/** §6.3's default when the reviewer gives no justification. */
export const NO_JUSTIFICATION = "No justification provided";

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is exactly what an ANSI sequence starts with.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** §6.3 cleaning: ANSI sequences out, CRLF → LF, trimmed. */
export const cleanReviewText = (text: string): string => text.replace(ANSI, "").replace(/\r\n?/g, "\n").trim();

/** The balanced `{…}` starting at `start`, skipping braces inside JSON strings; undefined when unbalanced. */
function balancedObject(text: string, start: number): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

function toVerdict(value: unknown): Verdict | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.code_complete !== "boolean") return undefined;
  const continuation = record.continuationPrompt ?? record.continuation_prompt;
  return {
    code_complete: record.code_complete,
    break_iteration: record.break_iteration === true,
    justification:
      typeof record.justification === "string" && record.justification.trim() ? record.justification : NO_JUSTIFICATION,
    ...(typeof continuation === "string" && continuation.trim() ? { continuationPrompt: continuation } : {}),
    parsed: true,
  };
}

/**
 * Reads a review agent's verdict from its output (§6.3), tolerating prose, `user:`/`cursor:`
 * transcript lines, markdown fences and braces inside strings: every `{` is tried in order and the
 * first balanced object that parses with a boolean `code_complete` wins. Anything else is the
 * circuit breaker: `{ code_complete: false, break_iteration: true, justification: <raw text> }`.
 *
 * @example
 * parseVerdict('Sure!\n```json\n{"code_complete": true, "justification": "tests pass"}\n```');
 * // { code_complete: true, break_iteration: false, justification: "tests pass", parsed: true }
 */
export function parseVerdict(output: string | null | undefined): Verdict {
  const cleaned = cleanReviewText(output ?? "");
  if (!cleaned) return unparseable("Review agent returned no output");
  const lines = cleaned.split("\n");
  const first = lines.findIndex((line) => line.trimStart().startsWith("{"));
  const text = first >= 0 ? lines.slice(first).join("\n") : lines.filter((line) => !/^\s*(user|cursor):/i.test(line)).join("\n");
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    const candidate = balancedObject(text, start);
    if (!candidate) continue;
    try {
      const verdict = toVerdict(JSON.parse(candidate));
      if (verdict) return verdict;
    } catch {
      // not JSON: try the next brace
    }
  }
  return unparseable(cleaned);
}

/** The circuit breaker: stop, and say why with the reviewer's own words. */
export const unparseable = (justification: string): Verdict => ({
  code_complete: false,
  break_iteration: true,
  justification,
  parsed: false,
});
