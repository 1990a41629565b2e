import type { StreamState } from "../sse";

const LABELS: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
  timed_out: "Timed out",
  pending: "Pending",
  delivered: "Delivered",
  skipped: "Skipped",
};

/** A run's (or delivery's) status as a coloured badge with its word; colour is never the only signal. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`badge badge-${status}`} data-status={status}>
      <span class="badge-dot" aria-hidden="true" />
      {LABELS[status] ?? status}
    </span>
  );
}

const STREAM_LABELS: Record<StreamState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Finished",
  failed: "Not connected",
};

/** Whether a live feed (SSE or WebSocket) is connected, announced politely to screen readers. */
export function LiveIndicator({ state, detail }: { state: StreamState; detail?: string | undefined }) {
  return (
    <span class={`live live-${state}`} role="status" aria-live="polite">
      <span class="live-dot" aria-hidden="true" />
      {STREAM_LABELS[state]}
      {detail ? `: ${detail}` : ""}
    </span>
  );
}

const TASK_LABELS: Record<string, string> = {
  PENDING: "Pending",
  RUNNING: "Running",
  NEEDS_HELP: "Needs help",
  NEEDS_REVIEW: "Needs review",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
  FAILED: "Failed",
};

/**
 * A task's status: a spinner while it is pending or running, an attention mark when it needs a
 * person, a tick, a cross or a dash once it is done — always with its word.
 */
export function TaskStatusBadge({ status }: { status: string }) {
  const icon =
    status === "PENDING" || status === "RUNNING"
      ? "spinner"
      : status === "NEEDS_HELP" || status === "NEEDS_REVIEW"
        ? "attention"
        : status === "COMPLETED"
          ? "done"
          : status === "FAILED"
            ? "failed"
            : "stopped";
  return (
    <span class={`badge task-badge task-badge-${status.toLowerCase()}`} data-status={status}>
      <span class={icon === "spinner" ? "spinner spinner-small" : `task-icon task-icon-${icon}`} aria-hidden="true" />
      {TASK_LABELS[status] ?? status}
    </span>
  );
}

export const taskStatusLabel = (status: string) => TASK_LABELS[status] ?? status;
