/**
 * A task's conversation as Bytebot's processed view shows it (spec/bytebot.md §1.5, §6): the user's
 * text, the assistant's text, tool calls as chips, their results folded away (red when they
 * failed), images, and the user's own actions during a takeover under their own heading.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { clock } from "../../format";
import type { ContentBlock, TaskMessage } from "../../types";

/**
 * The processed view's relabelling, for one message that arrived live (the server applies the same
 * to GET /messages/processed; applying it twice changes nothing): a USER message of tool results
 * is the assistant's, and a USER message of takeover actions is shown as the assistant's tool calls
 * flagged `take_over`.
 */
export function processMessage(message: TaskMessage): TaskMessage {
  const { content } = message;
  if (message.role !== "USER" || content.length === 0) return message;
  if (content.every((block) => block.type === "tool_result")) return { ...message, role: "ASSISTANT" };
  if (content.every((block) => block.type === "user_action")) {
    return {
      ...message,
      role: "ASSISTANT",
      take_over: true,
      content: content.flatMap((block) =>
        block.type === "user_action" ? block.content.filter((inner) => inner.type === "tool_use") : [],
      ),
    };
  }
  return message;
}

/** Server order: oldest first, ties by id. */
export const byTime = (a: TaskMessage, b: TaskMessage) =>
  a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt.localeCompare(b.createdAt);

interface Group {
  key: string;
  role: TaskMessage["role"];
  takeOver: boolean;
  messages: TaskMessage[];
}

/** Consecutive messages of one role (and takeover flag) form a group, as GET /messages/processed groups them. */
export function groupMessages(messages: TaskMessage[]): Group[] {
  const groups: Group[] = [];
  for (const message of messages) {
    const takeOver = message.take_over === true;
    const last = groups.at(-1);
    if (last && last.role === message.role && last.takeOver === takeOver) last.messages.push(message);
    else groups.push({ key: message.id, role: message.role, takeOver, messages: [message] });
  }
  return groups;
}

const SHORT_INPUT_KEYS = ["command", "path", "file_path", "filePath", "pattern", "query", "url", "text", "description", "name"];

/** One line that says what a tool call does: its command, path … or its input as JSON, cut short. */
export function shortInput(input: unknown, max = 90): string {
  let text = "";
  if (typeof input === "string") text = input;
  else if (input && typeof input === "object") {
    const record = input as Record<string, unknown>;
    const key = SHORT_INPUT_KEYS.find((name) => typeof record[name] === "string" && record[name]);
    if (key) text = record[key] as string;
    else if (Array.isArray(record.coordinates) || (typeof record.x === "number" && typeof record.y === "number")) {
      const point = (record.coordinates as number[] | undefined) ?? [record.x as number, record.y as number];
      text = `(${point.join(", ")})`;
    } else if (Array.isArray(record.keys)) text = (record.keys as unknown[]).join("+");
    else {
      const json = JSON.stringify(input);
      text = json === "{}" ? "" : json;
    }
  }
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `computer_click_mouse` → "Click mouse"; other tool names as they are. */
export function toolLabel(name: string): string {
  if (!name.startsWith("computer_")) return name;
  const words = name.slice("computer_".length).replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A tool result's text, pretty-printed when it is JSON. */
function resultText(blocks: ContentBlock[]): string {
  return blocks
    .map((block) => {
      if (block.type !== "text") return "";
      try {
        return JSON.stringify(JSON.parse(block.text), null, 2);
      } catch {
        return block.text;
      }
    })
    .filter(Boolean)
    .join("\n");
}

const kilobytes = (size: number | undefined) => (size === undefined ? "" : ` (${Math.max(1, Math.round(size / 1024))} KB)`);

function Image({ block }: { block: Extract<ContentBlock, { type: "image" }> }) {
  return (
    <img
      class="chat-image"
      src={`data:${block.source.media_type};base64,${block.source.data}`}
      alt="A screenshot from the task"
      loading="lazy"
    />
  );
}

function Block({ block, tools }: { block: ContentBlock; tools: Map<string, string> }) {
  switch (block.type) {
    case "text":
      return <div class="chat-text">{block.text}</div>;
    case "image":
      return <Image block={block} />;
    case "document":
      return (
        <span class="tool-chip">
          <span class="tool-chip-name">Document</span> {block.name ?? block.source.media_type}
          {kilobytes(block.size)}
        </span>
      );
    case "tool_use": {
      const input = shortInput(block.input);
      return (
        <span class="tool-chip" title={typeof block.input === "object" ? JSON.stringify(block.input) : undefined}>
          <span class="tool-chip-name">{toolLabel(block.name)}</span>
          {input ? <code class="tool-chip-input">{input}</code> : null}
        </span>
      );
    }
    case "tool_result": {
      const tool = tools.get(block.tool_use_id);
      const text = resultText(block.content);
      const images = block.content.filter((inner): inner is Extract<ContentBlock, { type: "image" }> => inner.type === "image");
      return (
        <div class={block.is_error ? "tool-result tool-result-error" : "tool-result"}>
          {text ? (
            <details>
              <summary>
                {block.is_error ? "Error from" : "Result of"} {tool ? toolLabel(tool) : "a tool"}
              </summary>
              <pre>{text}</pre>
            </details>
          ) : (
            <p class="muted small">
              {block.is_error ? "Error from" : "Result of"} {tool ? toolLabel(tool) : "a tool"}: (no text)
            </p>
          )}
          {images.map((image, index) => (
            <Image key={index} block={image} />
          ))}
        </div>
      );
    }
    case "thinking":
      return (
        <details class="chat-thinking">
          <summary>Thinking</summary>
          <div class="chat-text">{block.thinking}</div>
        </details>
      );
    case "redacted_thinking":
      return <p class="muted small">Thinking (redacted)</p>;
    case "user_action":
      return (
        <>
          {block.content.map((inner, index) => (
            <Block key={index} block={inner} tools={tools} />
          ))}
        </>
      );
    default:
      return null;
  }
}

const AUTHORS = { USER: "You", ASSISTANT: "Assistant" } as const;

/**
 * The chat as a log that keeps to its newest line while the reader is at the bottom (and leaves
 * them where they are when they scrolled up to read).
 */
export function TaskChat({ messages, children }: { messages: TaskMessage[]; children?: ComponentChildren }) {
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const groups = groupMessages(messages);
  const tools = new Map<string, string>();
  for (const message of messages)
    for (const block of message.content) if (block.type === "tool_use") tools.set(block.id, block.name);

  useEffect(() => {
    const element = log.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [messages.length, messages.at(-1)?.id, children]);

  return (
    <div
      class="chat-log"
      ref={log}
      role="log"
      aria-label="Task messages"
      aria-live="polite"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must be reachable by keyboard to scroll it
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
      }}
    >
      <ol class="messages task-messages">
        {groups.map((group) => {
          const first = group.messages[0] as TaskMessage;
          return (
            <li key={group.key} class={`message message-${group.role === "USER" ? "user" : "assistant"} task-group`}>
              <div class="message-meta">
                <span class="message-author">{group.takeOver ? "You took control" : AUTHORS[group.role]}</span>
                <time dateTime={first.createdAt}>{clock(first.createdAt)}</time>
              </div>
              <div class="task-blocks">
                {group.messages.flatMap((message) =>
                  message.content.map((block, index) => <Block key={`${message.id}-${index}`} block={block} tools={tools} />),
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {children}
    </div>
  );
}
