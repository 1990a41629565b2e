// Runtime-neutral: Bytebot's key vocabulary (B§4.3: nut-js names and X keysym aliases) → X keysym names.

const letters = Object.fromEntries([..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"].map((l) => [l, l.toLowerCase()]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** nut-js `Key` enum names (what Bytebot's prompt advertises) → X keysym. Letters press the unshifted key. */
const NUT_JS: Record<string, string> = {
  ...letters,
  ...Object.fromEntries(range(0, 9).map((n) => [`Num${n}`, String(n)])),
  ...Object.fromEntries(range(0, 9).map((n) => [`NumPad${n}`, `KP_${n}`])),
  ...Object.fromEntries(range(1, 24).map((n) => [`F${n}`, `F${n}`])),
  Fn: "XF86Fn",
  LeftAlt: "Alt_L",
  RightAlt: "Alt_R",
  LeftControl: "Control_L",
  RightControl: "Control_R",
  LeftShift: "Shift_L",
  RightShift: "Shift_R",
  LeftSuper: "Super_L",
  RightSuper: "Super_R",
  LeftWin: "Super_L",
  RightWin: "Super_R",
  LeftCmd: "Super_L",
  RightCmd: "Super_R",
  Enter: "Return",
  Return: "Return",
  Escape: "Escape",
  Tab: "Tab",
  Space: "space",
  Backspace: "BackSpace",
  Delete: "Delete",
  Insert: "Insert",
  Home: "Home",
  End: "End",
  PageUp: "Prior",
  PageDown: "Next",
  Up: "Up",
  Down: "Down",
  Left: "Left",
  Right: "Right",
  Grave: "grave",
  Minus: "minus",
  Equal: "equal",
  LeftBracket: "bracketleft",
  RightBracket: "bracketright",
  Backslash: "backslash",
  Semicolon: "semicolon",
  Quote: "apostrophe",
  Comma: "comma",
  Period: "period",
  Slash: "slash",
  CapsLock: "Caps_Lock",
  NumLock: "Num_Lock",
  ScrollLock: "Scroll_Lock",
  Print: "Print",
  Pause: "Pause",
  Menu: "Menu",
  Clear: "Clear",
  Add: "KP_Add",
  Subtract: "KP_Subtract",
  Multiply: "KP_Multiply",
  Divide: "KP_Divide",
  Decimal: "KP_Decimal",
  AudioMute: "XF86AudioMute",
  AudioVolDown: "XF86AudioLowerVolume",
  AudioVolUp: "XF86AudioRaiseVolume",
  AudioPlay: "XF86AudioPlay",
  AudioStop: "XF86AudioStop",
  AudioPause: "XF86AudioPause",
  AudioPrev: "XF86AudioPrev",
  AudioNext: "XF86AudioNext",
  AudioRewind: "XF86AudioRewind",
  AudioForward: "XF86AudioForward",
  AudioRepeat: "XF86AudioRepeat",
  AudioRandom: "XF86AudioRandomPlay",
};

/** The extra aliases Bytebot accepts (X keysym spellings), looked up before the nut-js names. */
const X_ALIASES: Record<string, string> = {
  Shift: "Shift_L",
  Control: "Control_L",
  Ctrl: "Control_L",
  Super: "Super_L",
  Alt: "Alt_L",
  Meta: "Super_L",
  Shift_L: "Shift_L",
  Shift_R: "Shift_R",
  Control_L: "Control_L",
  Control_R: "Control_R",
  Alt_L: "Alt_L",
  Alt_R: "Alt_R",
  Super_L: "Super_L",
  Super_R: "Super_R",
  Meta_L: "Super_L",
  Meta_R: "Super_R",
  Caps_Lock: "Caps_Lock",
  Num_Lock: "Num_Lock",
  Scroll_Lock: "Scroll_Lock",
  Page_Up: "Prior",
  Page_Down: "Next",
  BackSpace: "BackSpace",
  ...Object.fromEntries(range(0, 9).map((n) => [`KP_${n}`, `KP_${n}`])),
  KP_Add: "KP_Add",
  KP_Subtract: "KP_Subtract",
  KP_Multiply: "KP_Multiply",
  KP_Divide: "KP_Divide",
  KP_Decimal: "KP_Decimal",
  KP_Equal: "KP_Equal",
  KP_Enter: "KP_Enter",
  ...Object.fromEntries(range(0, 9).map((n) => [String(n), String(n)])),
  bracketleft: "bracketleft",
  bracketright: "bracketright",
  apostrophe: "apostrophe",
  AudioLowerVolume: "XF86AudioLowerVolume",
  AudioRaiseVolume: "XF86AudioRaiseVolume",
  AudioRandomPlay: "XF86AudioRandomPlay",
};

/**
 * Single printable ASCII characters (beyond Bytebot): "a", "+", "/" press the key that types them
 * (shifted ones, such as "+", with Shift — xdotool adds it).
 */
const CHARACTERS: Record<string, string> = {
  ...Object.fromEntries([..."abcdefghijklmnopqrstuvwxyz"].map((c) => [c, c])),
  " ": "space",
  "!": "exclam",
  '"': "quotedbl",
  "#": "numbersign",
  $: "dollar",
  "%": "percent",
  "&": "ampersand",
  "'": "apostrophe",
  "(": "parenleft",
  ")": "parenright",
  "*": "asterisk",
  "+": "plus",
  ",": "comma",
  "-": "minus",
  ".": "period",
  "/": "slash",
  ":": "colon",
  ";": "semicolon",
  "<": "less",
  "=": "equal",
  ">": "greater",
  "?": "question",
  "@": "at",
  "[": "bracketleft",
  "\\": "backslash",
  "]": "bracketright",
  "^": "asciicircum",
  _: "underscore",
  "`": "grave",
  "{": "braceleft",
  "|": "bar",
  "}": "braceright",
  "~": "asciitilde",
};

const lowerCased = (map: Record<string, string>) =>
  Object.fromEntries(Object.entries(map).map(([name, keysym]) => [name.toLowerCase(), keysym]));

const LOWER_X = lowerCased(X_ALIASES);
const LOWER_NUT = lowerCased(NUT_JS);

/**
 * The X keysym for a key name, resolved as Bytebot's validateKey does: exact X alias, exact nut-js
 * name, then both in lower case ("enter", "ctrl", "shift" work); then a single printable ASCII
 * character. Undefined for an unknown name.
 *
 * @example
 * toKeysym("LeftControl"); // "Control_L"
 * toKeysym("enter");       // "Return"
 * toKeysym("Hyperdrive");  // undefined
 */
export function toKeysym(name: string): string | undefined {
  const lower = name.toLowerCase();
  return own(X_ALIASES, name) ?? own(NUT_JS, name) ?? own(LOWER_X, lower) ?? own(LOWER_NUT, lower) ?? own(CHARACTERS, name);
}

/** Map lookup that ignores inherited keys ("constructor", "__proto__" are not keys). */
const own = (map: Record<string, string>, key: string) => (Object.hasOwn(map, key) ? map[key] : undefined);

/** Like toKeysym, but throws KeyError naming the key. */
export function keysymOf(name: string): string {
  const keysym = toKeysym(name);
  if (keysym === undefined) throw new KeyError(name);
  return keysym;
}

export class KeyError extends Error {
  override name = "KeyError";
  constructor(readonly key: string) {
    super(unknownKeyMessage(key));
  }
}

/** The 400 message for a key outside the vocabulary. */
export const unknownKeyMessage = (key: string) =>
  `Unknown key '${key}': use a name such as Enter, Escape, Tab, Space, Backspace, LeftControl, LeftShift, LeftAlt, ` +
  "LeftSuper, Up, F5, A–Z, 0–9, a single character such as '+', or an X keysym alias (Control_L, Page_Up, KP_1)";

/** Every name of the vocabulary (its canonical spellings), for tool descriptions. */
export const KEY_NAMES: readonly string[] = [...Object.keys(NUT_JS), ...Object.keys(X_ALIASES)];
