// Runtime-neutral: the bounds every desktop action is validated against (one place, so docs and schemas agree).

/** X11 coordinates are 16-bit: nothing beyond this can be on a screen. */
export const MAX_COORDINATE = 32_767;
/** Points in a trace or drag path. */
export const MAX_PATH_POINTS = 1_000;
/** Keys in one type_keys / press_keys / holdKeys list. */
export const MAX_KEYS = 16;
export const MAX_CLICK_COUNT = 20;
export const MAX_SCROLL_COUNT = 100;
/** Characters of type_text (typed one by one: keep it short; paste_text is for long text). */
export const MAX_TYPE_CHARS = 10_000;
/** Characters of paste_text. */
export const MAX_PASTE_CHARS = 200_000;
/** Delay between keystrokes (type_text) or between a chord's press and release (type_keys). */
export const MAX_KEY_DELAY_MS = 1_000;
export const MAX_WAIT_MS = 60_000;
/** A path of read_file/write_file, in characters. */
export const MAX_FILE_PATH_CHARS = 4_096;
/** Length of an application name. */
export const MAX_APPLICATION_NAME = 64;
/** Interval between repeated clicks and scroll steps (Bytebot's 150 ms). */
export const REPEAT_INTERVAL_MS = 150;
/** Pause between the points of a trace or drag, so applications see real motion. */
export const MOTION_STEP_MS = 10;
/** type_keys' default time between pressing a chord and releasing it (Bytebot's 100 ms). */
export const DEFAULT_CHORD_DELAY_MS = 100;
/** type_text's default delay between keystrokes. */
export const DEFAULT_TYPE_DELAY_MS = 5;
