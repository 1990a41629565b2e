// Node-only (test support): reads what `xev` saw — the observer window of the desktop tests.

export interface XEvent {
  type: string;
  /** Position inside the xev window. */
  x: number;
  y: number;
  /** Modifier and button state before the event (0x1 Shift, 0x4 Control, 0x100 Button1…). */
  state: number;
  button?: number;
  keysym?: string;
}

/** Parses xev's blocks ("ButtonPress event, serial …" + detail lines) into events. */
export function parseXev(output: string): XEvent[] {
  const events: XEvent[] = [];
  for (const block of output.split(/\n\s*\n/)) {
    const type = /^(\w+) event,/m.exec(block)?.[1];
    const position = /\((-?\d+),(-?\d+)\), root:/.exec(block);
    const state = /state 0x([0-9a-f]+)/.exec(block);
    if (!type || !position || !state) continue;
    const button = /button (\d+)/.exec(block);
    const keysym = /\(keysym 0x[0-9a-f]+, ([^)]+)\)/.exec(block);
    events.push({
      type,
      x: Number(position[1]),
      y: Number(position[2]),
      state: Number.parseInt(state[1]!, 16),
      ...(button ? { button: Number(button[1]) } : {}),
      ...(keysym ? { keysym: keysym[1] } : {}),
    });
  }
  return events;
}

/** Key presses and releases in order, as "+Name" / "-Name". */
export const keyEvents = (events: XEvent[]) =>
  events
    .filter((e) => e.type === "KeyPress" || e.type === "KeyRelease")
    .map((e) => `${e.type === "KeyPress" ? "+" : "-"}${e.keysym}`);

export const buttonEvents = (events: XEvent[]) =>
  events.filter((e) => e.type === "ButtonPress" || e.type === "ButtonRelease").map((e) => ({ ...e }));
