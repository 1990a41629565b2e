// Runtime-neutral: exact Unicode typing. `xdotool type` remaps a scratch keycode for every character
// missing from the keymap and reverts it at once, so a client that reads the keymap a moment later
// loses the character (measured here: 400 random characters at xdotool's default delay lost some on
// every try). Instead, the characters a text needs are mapped onto free keycodes *before* typing
// (xmodmap), stay mapped while the text is typed by keysym (xdotool key), and are only reused by a
// later batch or request.

/** Second keysym put on every keycode we map: marks it as ours (reusable), never typed. */
export const SCRATCH_MARK = "U10FFFF";
/** How xmodmap -pke prints the mark. */
const SCRATCH_MARK_PRINTED = /^(U0*10FFFF|0x0110ffff)$/i;

/** Why a text cannot be typed, or undefined: newline and tab are keys; other control characters are not. */
export function untypable(text: string): string | undefined {
  let index = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) return `text contains an unpaired UTF-16 surrogate at position ${index}`;
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    if (control && char !== "\n" && char !== "\t" && char !== "\r") {
      const hex = code.toString(16).toUpperCase().padStart(4, "0");
      return `text contains the control character U+${hex} at position ${index}: only newline and tab can be typed`;
    }
    index += char.length;
  }
  return undefined;
}

/** The keysym that types one character: Return, Tab, or the Unicode keysym Uxxxx. */
export function keysymForChar(char: string): string {
  if (char === "\n" || char === "\r") return "Return";
  if (char === "\t") return "Tab";
  return `U${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Characters of every US keymap (printable ASCII, newline, tab): typed without a mapping. */
const inBaseKeymap = (char: string) => char.codePointAt(0)! < 0x80;

/**
 * Keycodes we may map characters onto, from `xmodmap -pke`: those with no keysym at all, and those
 * we mapped before (second keysym is SCRATCH_MARK).
 */
export function scratchKeycodes(pke: string): number[] {
  const codes: number[] = [];
  for (const line of pke.split("\n")) {
    const match = /^keycode\s+(\d+)\s*=\s*(.*)$/.exec(line.trim());
    if (!match) continue;
    const syms = match[2]!.split(/\s+/).filter(Boolean);
    const free = syms.length === 0 || syms.every((sym) => sym === "NoSymbol");
    if (free || (syms[1] !== undefined && SCRATCH_MARK_PRINTED.test(syms[1]))) codes.push(Number(match[1]));
  }
  return codes;
}

export interface TypingBatch {
  /** xmodmap expressions that map this batch's characters (empty when it needs none). */
  mappings: string[];
  /** Keysyms to type, in order. */
  keys: string[];
}

/**
 * Splits a text into batches whose characters fit the scratch keycodes: a new batch starts only when
 * a character needs a keycode and all are taken. "\r\n" is one Return. With no scratch keycode at
 * all, characters are typed unmapped (xdotool falls back to its own remapping).
 *
 * @example
 * planTyping("héllo", [8, 93]); // [{ mappings: ["keycode 8 = U00E9 U10FFFF"], keys: ["U0068", "U00E9", ...] }]
 */
export function planTyping(text: string, scratch: readonly number[]): TypingBatch[] {
  const batches: TypingBatch[] = [];
  let keys: string[] = [];
  let mapped = new Map<string, number>();
  const flush = () => {
    if (keys.length === 0) return;
    batches.push({ mappings: [...mapped].map(([sym, code]) => `keycode ${code} = ${sym} ${SCRATCH_MARK}`), keys });
    keys = [];
    mapped = new Map();
  };
  const normalised = text.replace(/\r\n/g, "\n");
  for (const char of normalised) {
    const sym = keysymForChar(char);
    if (!inBaseKeymap(char) && scratch.length > 0 && !mapped.has(sym)) {
      if (mapped.size === scratch.length) flush();
      mapped.set(sym, scratch[mapped.size]!);
    }
    keys.push(sym);
  }
  flush();
  return batches;
}
