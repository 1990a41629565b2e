// Runtime-neutral: input to the display — one action at a time, held keys released on failure, exact typing.
import { HttpError } from "../http/errors";
import type { Logger } from "../log";
import { type CommandContext, runCommand } from "./commands";
import { planTyping, scratchKeycodes } from "./typing";
import * as xdotool from "./xdotool";

/** Pause before remapping keycodes for the next batch of a long text, so the client has read the last one. */
const REMAP_PAUSE_MS = 50;

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new HttpError(409, "The request was aborted"));
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(new HttpError(409, "The request was aborted"));
    }
    signal?.addEventListener("abort", abort, { once: true });
  });

/**
 * The keyboard and mouse side of the desktop: input actions queue behind each other (a type_text
 * owns the scratch keycodes while it types), and an input cut off half-way lets go of what it held.
 */
export function createInput(ctx: CommandContext, log: Logger) {
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs input actions one after another. */
  const exclusive = <T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> => {
    const next = queue.then(() => {
      if (signal?.aborted) throw new HttpError(409, "The request was aborted before it ran");
      return work();
    });
    queue = next.catch(() => {});
    return next;
  };

  /** Runs an input plan; if it fails half-way, releases what it held down, then rethrows. */
  const input = async (plan: xdotool.InputPlan, signal?: AbortSignal) => {
    try {
      await runCommand(ctx, { command: "xdotool", args: plan.args, expectedMs: plan.expectedMs, signal });
    } catch (error) {
      const release = xdotool.releaseArgs(plan);
      if (release) {
        await runCommand(ctx, { command: "xdotool", args: release }).catch((releaseError) =>
          log.error({ err: releaseError }, "Could not release held keys after a failed desktop action"),
        );
      }
      throw error;
    }
  };

  const typeText = async (text: string, delay: number, signal?: AbortSignal) => {
    const needsMapping = [...text].some((char) => char.codePointAt(0)! >= 0x80);
    const scratch = needsMapping ? scratchKeycodes((await runCommand(ctx, { command: "xmodmap", args: ["-pke"] })).stdout) : [];
    if (needsMapping && scratch.length === 0)
      log.warn("No free keycode to map characters onto; non-ASCII typing falls back to xdotool's");
    const batches = planTyping(text, scratch);
    for (const [index, batch] of batches.entries()) {
      if (batch.mappings.length > 0) {
        if (index > 0) await sleep(REMAP_PAUSE_MS, signal);
        await runCommand(ctx, { command: "xmodmap", args: batch.mappings.flatMap((m) => ["-e", m]), signal });
      }
      // Shift (and AltGr) are pressed by xdotool for some characters: released if typing is cut off.
      const plan = {
        args: ["key", "--delay", String(delay), ...batch.keys],
        heldKeys: ["Shift_L", "ISO_Level3_Shift"],
        heldButtons: [],
        expectedMs: batch.keys.length * (delay + 2),
      };
      await input(plan, signal);
    }
  };

  return { exclusive, input, typeText };
}
