/**
 * Shared helpers for the JSON-lines parsers of every agent adapter. Runtime-neutral.
 */
import type { RunEventBody, StreamParser } from "./events";

export type Json = Record<string, unknown>;

/** Cap on the raw text of an unparsable line carried in a status event. */
const MAX_RAW_CHARS = 2000;

export const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
export const str = (value: unknown) => (typeof value === "string" ? value : undefined);
export const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/**
 * A StreamParser over JSON lines: each non-blank line is parsed and handed to `toEvents`; a line
 * that is not a JSON object becomes `{ type: "status", status: "unparsed_output", detail }` so
 * stray CLI output stays visible without being mistaken for the agent's answer. Never throws.
 *
 * @example
 * const parser = jsonLinesParser((event) => (event.type === "hello" ? [{ type: "thinking", text: "hi" }] : []));
 * parser.push('{"type":"hello"}'); // [{ type: "thinking", text: "hi" }]
 */
export function jsonLinesParser(toEvents: (event: Json) => RunEventBody[]): StreamParser {
  return {
    push(rawLine) {
      const line = rawLine.replace(/\r$/, "");
      if (!line.trim()) return [];
      const unparsed: RunEventBody = { type: "status", status: "unparsed_output", detail: line.slice(0, MAX_RAW_CHARS) };
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        return [unparsed];
      }
      if (!isRecord(event)) return [unparsed];
      try {
        return toEvents(event);
      } catch {
        // A schema drift we did not foresee must not take the run down.
        return [unparsed];
      }
    },
  };
}

/**
 * The `system/init` line cursor-agent and Claude Code both print first (same stream-json shape):
 * the agent's session id, model and cwd.
 */
export function sessionFromInit(event: Json): RunEventBody[] {
  const sessionId = str(event.session_id);
  if (event.subtype !== "init" || !sessionId) return [];
  const model = str(event.model);
  const cwd = str(event.cwd);
  return [{ type: "session", sessionId, ...(model ? { model } : {}), ...(cwd ? { cwd } : {}) }];
}

/** `--` before a prompt that starts with "-", so the CLI cannot read it as an option. */
export const promptArgs = (prompt: string) => (prompt.startsWith("-") ? ["--", prompt] : [prompt]);
