// Runtime-neutral: the field schemas the computer actions are built from (pixels, keys, paths, delays),
// each with the message a person can act on when it is wrong.
import { z } from "zod";
import { toKeysym, unknownKeyMessage } from "./keys";
import { MAX_COORDINATE, MAX_FILE_PATH_CHARS, MAX_KEY_DELAY_MS, MAX_KEYS, MAX_PATH_POINTS } from "./limits";

const pixels = (axis: "x" | "y") =>
  z
    .number({ error: `${axis} must be a number of pixels` })
    .int(`${axis} must be a whole number of pixels`)
    .min(0, `${axis} must be 0 or more (the screen's origin is its top-left corner)`)
    .max(MAX_COORDINATE, `${axis} must be at most ${MAX_COORDINATE}`);

/** Absolute X11 pixels, origin top-left (B§4.3). */
export const Coordinates = z
  .object({ x: pixels("x"), y: pixels("y") }, { error: "coordinates must be an object {x, y}" })
  .describe("Absolute screen position in pixels, origin at the top-left corner");
export type Coordinates = z.infer<typeof Coordinates>;

/** A key name of B§4.3's vocabulary; anything else is refused, naming it. */
export const KeyName = z
  .string({ error: "a key must be a string such as Enter or LeftControl" })
  .min(1, "a key name must not be empty")
  .max(64, "a key name is at most 64 characters")
  .refine((key) => toKeysym(key) !== undefined, { error: (issue) => unknownKeyMessage(String(issue.input)) });

export const keyList = (what: string) =>
  z
    .array(KeyName, { error: `${what} must be an array of key names` })
    .min(1, `${what} must name at least one key`)
    .max(MAX_KEYS, `${what} may name at most ${MAX_KEYS} keys`);

export const holdKeys = keyList("holdKeys")
  .optional()
  .describe("Keys held down during the action (e.g. LeftShift), released after it");

export const Button = z
  .enum(["left", "right", "middle"], { error: "button must be left, right or middle" })
  .describe("Mouse button");
export type Button = z.infer<typeof Button>;

export const Path = z
  .array(Coordinates, { error: "path must be an array of {x, y} points" })
  .min(1, "path must have at least one point")
  .max(MAX_PATH_POINTS, `path may have at most ${MAX_PATH_POINTS} points`);

export const delay = (what: string) =>
  z
    .number({ error: `delay must be a number of milliseconds` })
    .int("delay must be a whole number of milliseconds")
    .min(0, "delay must be 0 or more")
    .max(MAX_KEY_DELAY_MS, `delay may be at most ${MAX_KEY_DELAY_MS} ms`)
    .optional()
    .describe(what);

export const FilePath = z
  .string({ error: "path is required: a file path inside the desktop's files root" })
  .min(1, "path must not be empty")
  .max(MAX_FILE_PATH_CHARS, `path may be at most ${MAX_FILE_PATH_CHARS} characters`)
  .refine((path) => !path.includes("\0"), "path must not contain a NUL character")
  .describe("File path: relative to the files root (DESKTOP_FILES_ROOT), or absolute inside it");

export const isSensitive = z
  .boolean({ error: "isSensitive must be true or false" })
  .optional()
  .describe("Marks secrets (accepted for Bytebot compatibility; text is never logged anyway)");
