import { type LoopDeps, runDesktopLoop } from "../../desktop-agent/loop";
import type { Slots } from "../../exec/slots";
import { HttpError } from "../../http/errors";
import type { TaskDriver } from "../types";

export interface DesktopDriverDeps extends LoopDeps {
  slots: Pick<Slots, "reserve">;
}

/**
 * Runs `kind: desktop` tasks with the desktop agent (src/desktop-agent/loop.ts): Bytebot's LLM
 * tool-calling loop over our computer-use actions. Each stretch of work holds one execution slot
 * (the same FIFO limit as agent runs: a desktop task is work on this machine too); a full queue
 * sends the task back in line.
 */
export function createDesktopTaskDriver(deps: DesktopDriverDeps): TaskDriver {
  // The AI SDK prints provider warnings to the console unless told otherwise: into our log instead.
  // (A process-wide setting of the SDK; every driver in a process logs alike.)
  globalThis.AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) =>
    deps.log.warn({ provider, model, warnings }, "The model provider reported warnings");
  return {
    kind: "desktop",

    async unavailable(task) {
      const problem = deps.providers.problem(task.model);
      if (problem) return problem;
      const status = await deps.desktop.status();
      return status.available ? null : `The desktop agent cannot run: ${status.error}`;
    },

    async run(task, context) {
      let place: ReturnType<DesktopDriverDeps["slots"]["reserve"]>;
      try {
        place = deps.slots.reserve();
      } catch (error) {
        if (error instanceof HttpError && error.status === 429) return { status: "deferred", reason: error.message };
        throw error;
      }
      return place
        .run(() => runDesktopLoop(deps, task, context), { signal: context.signal })
        .catch((error) => {
          if (context.signal.aborted) return { status: "stopped" as const };
          throw error;
        });
    },
  };
}
