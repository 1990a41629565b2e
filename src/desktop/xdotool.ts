// Runtime-neutral: xdotool argv for the mouse and keyboard actions (one chained invocation each).
import type { ActionOf, Button, Coordinates } from "./actions";
import { keysymOf } from "./keys";
import { DEFAULT_CHORD_DELAY_MS, MOTION_STEP_MS, REPEAT_INTERVAL_MS } from "./limits";

/** An xdotool invocation, what it holds down (released again if it fails) and how long it takes by design. */
export interface InputPlan {
  args: string[];
  /** Keysyms pressed by the plan that must not stay down if it fails: released in reverse order. */
  heldKeys: string[];
  /** Mouse buttons pressed by the plan that must not stay down if it fails. */
  heldButtons: number[];
  expectedMs: number;
}

export const BUTTONS: Record<Button, number> = { left: 1, middle: 2, right: 3 };
const WHEEL = { up: 4, down: 5, left: 6, right: 7 } as const;

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const moveTo = (point: Coordinates) => ["mousemove", String(point.x), String(point.y)];
const moveMaybe = (point: Coordinates | undefined) => (point ? moveTo(point) : []);
const keysyms = (names: readonly string[] | undefined) => (names ?? []).map(keysymOf);
const reversed = <T>(items: T[]) => [...items].reverse();

/** Presses `held` keys around `body`; the plan's keyup at the end releases them in reverse order. */
function holding(held: string[], before: string[], body: string[]): string[] {
  if (held.length === 0) return [...before, ...body];
  return [...before, "keydown", ...held, ...body, "keyup", ...reversed(held)];
}

/** Moves through `path` (after the first point), pausing between points so applications see motion. */
function through(path: readonly Coordinates[]): string[] {
  return path.slice(1).flatMap((point) => ["sleep", seconds(MOTION_STEP_MS), ...moveTo(point)]);
}

const plan = (args: string[], expectedMs: number, heldKeys: string[] = [], heldButtons: number[] = []): InputPlan => ({
  args,
  heldKeys,
  heldButtons,
  expectedMs,
});

export const moveMouse = (a: ActionOf<"move_mouse">) => plan(moveTo(a.coordinates), 0);

export function traceMouse(a: ActionOf<"trace_mouse">): InputPlan {
  const held = keysyms(a.holdKeys);
  const [first, ...rest] = a.path;
  return plan(holding(held, moveTo(first!), through([first!, ...rest])), a.path.length * MOTION_STEP_MS, held);
}

export function clickMouse(a: ActionOf<"click_mouse">): InputPlan {
  const held = keysyms(a.holdKeys);
  const click = ["click", "--repeat", String(a.clickCount), "--delay", String(REPEAT_INTERVAL_MS), String(BUTTONS[a.button])];
  return plan(holding(held, moveMaybe(a.coordinates), click), (a.clickCount - 1) * REPEAT_INTERVAL_MS, held);
}

export function pressMouse(a: ActionOf<"press_mouse">): InputPlan {
  const button = BUTTONS[a.button];
  return plan([...moveMaybe(a.coordinates), a.press === "down" ? "mousedown" : "mouseup", String(button)], 0);
}

export function dragMouse(a: ActionOf<"drag_mouse">): InputPlan {
  const held = keysyms(a.holdKeys);
  const button = String(BUTTONS[a.button]);
  const [first, ...rest] = a.path;
  const body = ["mousedown", button, ...through([first!, ...rest]), "sleep", seconds(MOTION_STEP_MS), "mouseup", button];
  return plan(holding(held, moveTo(first!), body), (a.path.length + 1) * MOTION_STEP_MS, held, [BUTTONS[a.button]]);
}

export function scroll(a: ActionOf<"scroll">): InputPlan {
  const held = keysyms(a.holdKeys);
  const wheel = ["click", "--repeat", String(a.scrollCount), "--delay", String(REPEAT_INTERVAL_MS), String(WHEEL[a.direction])];
  return plan(holding(held, moveMaybe(a.coordinates), wheel), (a.scrollCount - 1) * REPEAT_INTERVAL_MS, held);
}

/** A chord (B§4.1): press every key in order, wait `delay`, release them in reverse order. */
export function typeKeys(a: ActionOf<"type_keys">): InputPlan {
  const keys = keysyms(a.keys);
  const delay = a.delay ?? DEFAULT_CHORD_DELAY_MS;
  return plan(["keydown", ...keys, "sleep", seconds(delay), "keyup", ...reversed(keys)], delay, keys);
}

/** press_keys leaves keys as asked (down stays down) when it succeeds; a failed one leaves none of them down. */
export function pressKeys(a: ActionOf<"press_keys">): InputPlan {
  const keys = keysyms(a.keys);
  return plan([a.press === "down" ? "keydown" : "keyup", ...keys], 0, keys);
}

/** What to run when a plan failed half-way: release its keys (reverse order) and buttons. */
export function releaseArgs(p: Pick<InputPlan, "heldKeys" | "heldButtons">): string[] | undefined {
  const args = [
    ...(p.heldKeys.length > 0 ? ["keyup", ...reversed(p.heldKeys)] : []),
    ...p.heldButtons.flatMap((button) => ["mouseup", String(button)]),
  ];
  return args.length > 0 ? args : undefined;
}
