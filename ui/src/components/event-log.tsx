import { useEffect, useRef } from "preact/hooks";
import { clock, duration } from "../format";
import type { RunEvent } from "../types";

type ToolStarted = Extract<RunEvent, { type: "tool_started" }>;
type ToolFinished = Extract<RunEvent, { type: "tool_finished" }>;

/** Tool calls are shown once: started, then the same entry updated when it finishes. */
type Item = { kind: "event"; event: RunEvent } | { kind: "tool"; started: ToolStarted; finished?: ToolFinished };

function group(events: RunEvent[]): Item[] {
  const items: Item[] = [];
  const tools = new Map<string, Extract<Item, { kind: "tool" }>>();
  for (const event of events) {
    if (event.type === "tool_started") {
      const item = { kind: "tool" as const, started: event };
      tools.set(event.callId, item);
      items.push(item);
    } else if (event.type === "tool_finished" && tools.has(event.callId)) {
      (tools.get(event.callId) as Extract<Item, { kind: "tool" }>).finished = event;
    } else items.push({ kind: "event", event });
  }
  return items;
}

const text = (value: unknown): string => {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2);
};

/** The most telling part of a tool's input: a shell command, a path … */
function toolSummary(input: unknown): string {
  if (input && typeof input === "object") {
    const record = input as Record<string, unknown>;
    for (const key of ["command", "path", "file_path", "filePath", "pattern", "url", "query"]) {
      if (typeof record[key] === "string") return record[key] as string;
    }
  }
  return typeof input === "string" ? input : "";
}

function Time({ ts }: { ts: string }) {
  return (
    <time class="event-time" dateTime={ts}>
      {clock(ts)}
    </time>
  );
}

function EventRow({ event }: { event: RunEvent }) {
  switch (event.type) {
    case "message":
      return (
        <li class={`event event-message event-${event.role}`}>
          <Time ts={event.ts} />
          <span class="event-kind">{event.role === "assistant" ? "Agent" : "Prompt"}</span>
          <div class="event-body prose">{event.text}</div>
        </li>
      );
    case "thinking":
      return (
        <li class="event event-thinking">
          <Time ts={event.ts} />
          <span class="event-kind">Thinking</span>
          <div class="event-body">{event.text}</div>
        </li>
      );
    case "status":
      return (
        <li class="event event-status">
          <Time ts={event.ts} />
          <span class="event-kind">Status</span>
          <div class="event-body">
            <strong>{event.status}</strong>
            {event.detail ? ` — ${event.detail}` : ""}
          </div>
        </li>
      );
    case "session":
      return (
        <li class="event event-status">
          <Time ts={event.ts} />
          <span class="event-kind">Session</span>
          <div class="event-body">
            <span class="mono">{event.sessionId}</span>
            {event.model ? ` · model ${event.model}` : ""}
          </div>
        </li>
      );
    case "file_change":
      return (
        <li class="event event-file">
          <Time ts={event.ts} />
          <span class="event-kind">File {event.kind === "add" ? "added" : event.kind === "delete" ? "deleted" : "changed"}</span>
          <div class="event-body mono">{event.path}</div>
        </li>
      );
    case "stderr":
      return (
        <li class="event event-stderr">
          <Time ts={event.ts} />
          <span class="event-kind">stderr</span>
          <pre class="event-body">{event.text}</pre>
        </li>
      );
    case "result":
      return (
        <li class={`event event-result ${event.isError ? "is-error" : ""}`}>
          <Time ts={event.ts} />
          <span class="event-kind">{event.isError ? "Result (error)" : "Result"}</span>
          <div class="event-body">
            {event.durationMs !== undefined ? `${duration(event.durationMs)}` : ""}
            {event.costUsd !== undefined ? ` · $${event.costUsd.toFixed(4)}` : ""}
          </div>
        </li>
      );
    default:
      return null;
  }
}

function ToolRow({ started, finished, live }: { started: ToolStarted; finished?: ToolFinished | undefined; live: boolean }) {
  const state = !finished ? (live ? "running" : "unfinished") : finished.isError ? "failed" : "done";
  const summary = toolSummary(started.input);
  return (
    <li class={`event event-tool tool-${state}`}>
      <Time ts={started.ts} />
      <span class="event-kind">Tool</span>
      <details class="event-body">
        <summary>
          <strong>{started.tool}</strong>
          {summary ? <span class="mono tool-summary"> {summary}</span> : null}
          <span class={`tool-state tool-state-${state}`}>
            {state === "running" ? "running…" : state === "unfinished" ? "did not finish" : state}
          </span>
        </summary>
        {started.input !== undefined ? (
          <>
            <h4>Input</h4>
            <pre>{text(started.input)}</pre>
          </>
        ) : null}
        {finished?.output !== undefined ? (
          <>
            <h4>Output</h4>
            <pre>{text(finished.output)}</pre>
          </>
        ) : null}
      </details>
    </li>
  );
}

/**
 * A run's events as they arrive, grouped for reading (a tool call is one entry). Keeps the newest
 * in view while the user is at the bottom; scrolling up stops following.
 */
export function EventLog({ events, live }: { events: RunEvent[]; live: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  useEffect(() => {
    const element = box.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [events.length]);
  return (
    <div
      class="event-log"
      ref={box}
      role="log"
      aria-label="Run events"
      aria-live="polite"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must be reachable by keyboard to scroll it
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
      }}
    >
      <ol class="event-list">
        {group(events).map((item) =>
          item.kind === "tool" ? (
            <ToolRow key={`tool-${item.started.seq}`} started={item.started} finished={item.finished} live={live} />
          ) : (
            <EventRow key={item.event.seq} event={item.event} />
          ),
        )}
      </ol>
    </div>
  );
}
