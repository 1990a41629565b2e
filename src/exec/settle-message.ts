// Runtime-neutral: the error text a run settles with, per reason (spec §4.5).
import type { ProcessSpec, SettleReason } from "./types";

/** The error text of each reason; the original's exact strings where it had one (spec §4.5). */
export function settleMessage(reason: SettleReason, spec: ProcessSpec): string | undefined {
  switch (reason) {
    case "timeout":
      return `Command timeout after ${spec.hardTimeoutMs}ms`;
    case "idle":
      return `No output from cursor-cli for ${spec.idleTimeoutMs}ms`;
    case "output_cap":
      return `Output size exceeded limit: ${spec.maxOutputBytes} bytes`;
    case "cancelled":
      return "Run cancelled";
    case "spawn_error":
      return `Failed to start ${spec.command}`;
    case "lost":
      return "The runner lost contact with the process";
    case "exited":
    case "ended_after_result":
      return undefined;
  }
}
