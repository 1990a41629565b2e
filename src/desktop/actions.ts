// Runtime-neutral: the 16 computer actions of Bytebot (B§4.1) as zod schemas — one source for the
// HTTP route, the MCP tools and the desktop agent's tool catalogue (tool names `computer_<action>`).
import { z } from "zod";
import { Button, Coordinates, delay, FilePath, holdKeys, isSensitive, keyList, Path } from "./action-fields";
import { MAX_APPLICATION_NAME, MAX_CLICK_COUNT, MAX_PASTE_CHARS, MAX_SCROLL_COUNT, MAX_TYPE_CHARS, MAX_WAIT_MS } from "./limits";
import { untypable } from "./typing";

export { type Button, Coordinates, KeyName } from "./action-fields";

/** Each action's own fields, without the `action` discriminator: the tools' input schemas. */
export const actionInputs = {
  move_mouse: z.object({ coordinates: Coordinates }),
  trace_mouse: z.object({ path: Path.describe("Points to move through, in order"), holdKeys }),
  click_mouse: z.object({
    coordinates: Coordinates.optional().describe("Where to click (default: where the pointer is)"),
    button: Button,
    holdKeys,
    clickCount: z
      .number({ error: "clickCount must be a number" })
      .int("clickCount must be a whole number")
      .min(1, "clickCount must be at least 1")
      .max(MAX_CLICK_COUNT, `clickCount may be at most ${MAX_CLICK_COUNT}`)
      .default(1)
      .describe("Number of clicks (2 = double click)"),
  }),
  press_mouse: z.object({
    coordinates: Coordinates.optional(),
    button: Button,
    press: z.enum(["up", "down"], { error: "press must be up or down" }).describe("down presses the button, up releases it"),
  }),
  drag_mouse: z.object({
    path: Path.describe("Press at the first point, move through the rest, release at the last"),
    button: Button,
    holdKeys,
  }),
  scroll: z.object({
    coordinates: Coordinates.optional().describe("Where to scroll (default: where the pointer is)"),
    direction: z.enum(["up", "down", "left", "right"], { error: "direction must be up, down, left or right" }),
    scrollCount: z
      .number({ error: "scrollCount must be a number" })
      .int("scrollCount must be a whole number")
      .min(1, "scrollCount must be at least 1")
      .max(MAX_SCROLL_COUNT, `scrollCount may be at most ${MAX_SCROLL_COUNT}`)
      .describe("Number of wheel steps"),
    holdKeys,
  }),
  type_keys: z.object({
    keys: keyList("keys").describe(
      "Keys pressed together as a chord, in order, then released in reverse order (e.g. LeftControl, C)",
    ),
    delay: delay("Milliseconds between pressing the chord and releasing it (default 100)"),
  }),
  press_keys: z.object({
    keys: keyList("keys").describe("Keys to press (down) or release (up), in order"),
    press: z.enum(["up", "down"], { error: "press must be up or down" }),
  }),
  type_text: z.object({
    text: z
      .string({ error: "text is required" })
      .min(1, "text must not be empty")
      .max(MAX_TYPE_CHARS, `text may be at most ${MAX_TYPE_CHARS} characters (use paste_text for longer text)`)
      .superRefine((text, ctx) => {
        const why = untypable(text);
        if (why) ctx.addIssue({ code: "custom", message: why });
      })
      .describe("Text typed exactly, any Unicode; newline presses Return, tab presses Tab"),
    delay: delay("Milliseconds between keystrokes (default 5)"),
    isSensitive,
  }),
  paste_text: z.object({
    text: z
      .string({ error: "text is required" })
      .min(1, "text must not be empty")
      .max(MAX_PASTE_CHARS, `text may be at most ${MAX_PASTE_CHARS} characters`)
      .describe("Text put on the clipboard and pasted (for long text)"),
    isSensitive,
  }),
  wait: z.object({
    duration: z
      .number({ error: "duration must be a number of milliseconds" })
      .int("duration must be a whole number of milliseconds")
      .min(0, "duration must be 0 or more")
      .max(MAX_WAIT_MS, `duration may be at most ${MAX_WAIT_MS} ms`)
      .describe("Milliseconds to wait"),
  }),
  screenshot: z.object({
    scale: z
      .number({ error: "scale must be a number" })
      .gt(0, "scale must be more than 0")
      .max(1, "scale must be at most 1 (screenshots are never enlarged)")
      .optional()
      .describe("Shrink factor for the image, e.g. 0.5 for half size (default DESKTOP_SCREENSHOT_SCALE)"),
  }),
  cursor_position: z.object({}),
  application: z.object({
    application: z
      .string({ error: "application is required, e.g. terminal or firefox" })
      .min(1, "application must not be empty")
      .max(MAX_APPLICATION_NAME, `application may be at most ${MAX_APPLICATION_NAME} characters`)
      .describe("Application to open or bring to front: firefox, 1password, thunderbird, vscode, terminal, directory, desktop"),
  }),
  write_file: z.object({
    path: FilePath,
    data: z
      .string({ error: "data is required: the file's content in base64" })
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, "data must be base64 (A–Z, a–z, 0–9, +, / and = padding)")
      .refine((data) => data.length % 4 === 0, "data must be base64 whose length is a multiple of 4")
      .describe("File content, base64"),
  }),
  read_file: z.object({ path: FilePath }),
} as const;

export type ActionName = keyof typeof actionInputs;
export const ACTION_NAMES = Object.keys(actionInputs) as ActionName[];

/** One-line descriptions (the MCP tools' and the agent's tool descriptions). */
export const ACTION_DESCRIPTIONS: Record<ActionName, string> = {
  move_mouse: "Move the mouse pointer to a position",
  trace_mouse: "Move the mouse pointer along a path, optionally holding keys",
  click_mouse: "Click a mouse button, optionally at a position, several times, holding keys",
  press_mouse: "Press or release a mouse button, optionally at a position",
  drag_mouse: "Drag along a path with a mouse button held down",
  scroll: "Scroll the mouse wheel up, down, left or right",
  type_keys: "Press keys together as a chord and release them (a shortcut such as LeftControl+C)",
  press_keys: "Press (down) or release (up) keys and leave them so",
  type_text: "Type text exactly as given (any Unicode, newlines and tabs)",
  paste_text: "Put text on the clipboard and paste it",
  wait: "Wait for a number of milliseconds",
  screenshot: "Take a PNG screenshot of the whole screen",
  cursor_position: "Get the mouse pointer's position",
  application: "Open an application, or bring it to the front and maximise it if it is open",
  write_file: "Write a file (base64 content) inside the desktop's files root",
  read_file: "Read a file inside the desktop's files root (base64 content)",
};

/** Every action with its `action` discriminator: the body of POST /computer-use. */
export const actionSchemas = {
  move_mouse: actionInputs.move_mouse.extend({ action: z.literal("move_mouse") }),
  trace_mouse: actionInputs.trace_mouse.extend({ action: z.literal("trace_mouse") }),
  click_mouse: actionInputs.click_mouse.extend({ action: z.literal("click_mouse") }),
  press_mouse: actionInputs.press_mouse.extend({ action: z.literal("press_mouse") }),
  drag_mouse: actionInputs.drag_mouse.extend({ action: z.literal("drag_mouse") }),
  scroll: actionInputs.scroll.extend({ action: z.literal("scroll") }),
  type_keys: actionInputs.type_keys.extend({ action: z.literal("type_keys") }),
  press_keys: actionInputs.press_keys.extend({ action: z.literal("press_keys") }),
  type_text: actionInputs.type_text.extend({ action: z.literal("type_text") }),
  paste_text: actionInputs.paste_text.extend({ action: z.literal("paste_text") }),
  wait: actionInputs.wait.extend({ action: z.literal("wait") }),
  screenshot: actionInputs.screenshot.extend({ action: z.literal("screenshot") }),
  cursor_position: actionInputs.cursor_position.extend({ action: z.literal("cursor_position") }),
  application: actionInputs.application.extend({ action: z.literal("application") }),
  write_file: actionInputs.write_file.extend({ action: z.literal("write_file") }),
  read_file: actionInputs.read_file.extend({ action: z.literal("read_file") }),
} satisfies { [N in ActionName]: z.ZodObject };

const listed = ACTION_NAMES.join(", ");

type AnyAction = [z.ZodObject<any>, ...z.ZodObject<any>[]];

/** Names the unknown or missing `action` instead of zod's "Invalid input". */
const unionError = (issue: z.core.$ZodRawIssue) => {
  if (issue.code !== "invalid_union") return undefined;
  const input = issue.input as Record<string, unknown> | undefined;
  const action = input && typeof input === "object" ? input.action : undefined;
  if (action === undefined) return `Missing action field: action must be one of ${listed}`;
  return `Unknown action: ${typeof action === "string" ? action : JSON.stringify(action)} (expected one of ${listed})`;
};

/** The discriminated union of the 16 actions; an unknown or missing `action` is named in the message. */
export const ComputerAction = z.discriminatedUnion("action", Object.values(actionSchemas) as unknown as AnyAction, {
  error: unionError,
});

/** The task an action belongs to (for takeover recording; B§3.9). */
export const TaskId = z
  .string({ error: "taskId must be a string" })
  .min(1, "taskId must not be empty")
  .max(200, "taskId may be at most 200 characters")
  .optional()
  .describe("The task this action belongs to (recorded while the task is under USER control)");

/** POST /computer-use: any action, plus an optional taskId. */
export const ComputerUseRequest = z.discriminatedUnion(
  "action",
  Object.values(actionSchemas).map((schema) => schema.extend({ taskId: TaskId })) as unknown as AnyAction,
  { error: unionError },
);

/** A validated action, discriminated by `action`. */
export type ComputerAction = { [N in ActionName]: z.output<(typeof actionSchemas)[N]> }[ActionName];
/** An action as sent (defaults not yet applied). */
export type ComputerActionInput = { [N in ActionName]: z.input<(typeof actionSchemas)[N]> }[ActionName];
export type ActionOf<N extends ActionName> = Extract<ComputerAction, { action: N }>;
