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
