/** Longest line kept whole; a longer one is passed on in pieces so memory stays bounded. */
const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Splits streamed text into lines (LF or CRLF) and hands each to `onLine`.
 *
 * @example
 * const lines = createLineSplitter((line) => parser.push(line));
 * lines.push("a\nb"); lines.push("c\n"); // → "a", "bc"
 * lines.end();
 */
export function createLineSplitter(onLine: (line: string) => void) {
  let partial = "";
  return {
    push(text: string) {
      partial += text;
      let newline = partial.indexOf("\n");
      while (newline !== -1) {
        onLine(partial.slice(0, newline).replace(/\r$/, ""));
        partial = partial.slice(newline + 1);
        newline = partial.indexOf("\n");
      }
      while (partial.length > MAX_LINE_CHARS) {
        onLine(partial.slice(0, MAX_LINE_CHARS));
        partial = partial.slice(MAX_LINE_CHARS);
      }
    },
    /** Flushes a final line without a newline. */
    end() {
      if (partial) onLine(partial.replace(/\r$/, ""));
      partial = "";
    },
  };
}
