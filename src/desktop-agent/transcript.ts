// Runtime-neutral: stored task messages (B§1.5 content blocks) ⇄ AI SDK model messages.
import type { AssistantContent, ModelMessage, ToolResultPart, UserContent } from "ai";
import type { ContentBlock, TaskMessage } from "../tasks/types";

type UserPart = Exclude<UserContent, string>[number];
type AssistantPart = Exclude<AssistantContent, string>[number];

/** The tool result given for a call whose result was never stored (the task stopped or crashed mid-iteration). */
export const INTERRUPTED_RESULT =
  "No result: this tool call was interrupted (the task was stopped or restarted before it finished)";

const TEXT_TYPES = /^(text\/|application\/(json|xml|csv))/;

const decodeText = (base64: string) => new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));

/** A user-side block as model input: text, an image, a document (text inline, PDFs as files), a recorded user action. */
function userParts(block: ContentBlock): UserPart[] {
  switch (block.type) {
    case "text":
      return [{ type: "text", text: block.text }];
    case "image":
      return [{ type: "image", image: block.source.data, mediaType: block.source.media_type }];
    case "document": {
      const label = `Document ${block.name ?? "(unnamed)"} (${block.source.media_type}, ${block.size ?? "?"} bytes)`;
      if (TEXT_TYPES.test(block.source.media_type))
        return [{ type: "text", text: `${label}:\n${decodeText(block.source.data)}` }];
      if (block.source.media_type === "application/pdf") {
        return [
          { type: "text", text: `${label}:` },
          {
            type: "file",
            data: block.source.data,
            mediaType: "application/pdf",
            ...(block.name ? { filename: block.name } : {}),
          },
        ];
      }
      return [{ type: "text", text: `${label}: binary content not shown` }];
    }
    case "user_action":
      // B§3.7: what the person did during takeover, as text, and what they saw.
      return block.content.flatMap((inner): UserPart[] =>
        inner.type === "tool_use"
          ? [{ type: "text", text: `User performed action: ${inner.name}\n${JSON.stringify(inner.input, null, 2)}` }]
          : userParts(inner),
      );
    case "tool_result":
      // A result whose call is not in the context (e.g. summarised away): its text, as the user's.
      return block.content.flatMap(userParts);
    default:
      return [];
  }
}

/**
 * Rebuilds the conversation for the model from what is stored: the latest summary (B§3.4) as a user
 * message, then every unsummarised message. The stored order is repaired where it would break a
 * provider's rules: each assistant tool call gets a tool result right after it (a synthetic
 * "interrupted" one if the task stopped before storing it), a user message that arrived between a
 * call and its result follows the result, and images of tool results (screenshots) go in a user
 * message after the results — the one shape every provider accepts (OpenAI Chat tool messages
 * carry text only).
 */
export function toModelMessages(messages: TaskMessage[], summary?: string | null): ModelMessage[] {
  const out: ModelMessage[] = [];
  if (summary)
    out.push({ role: "user", content: [{ type: "text", text: `Summary of the work on this task so far:\n${summary}` }] });
  let pending = new Map<string, string>();
  let results: ToolResultPart[] = [];
  let after: UserPart[] = [];

  const close = () => {
    for (const [toolCallId, toolName] of pending) {
      results.push({ type: "tool-result", toolCallId, toolName, output: { type: "error-text", value: INTERRUPTED_RESULT } });
    }
    if (results.length) out.push({ role: "tool", content: results });
    if (after.length) out.push({ role: "user", content: after });
    pending = new Map();
    results = [];
    after = [];
  };

  for (const message of messages) {
    if (message.role === "ASSISTANT") {
      close();
      const parts: AssistantPart[] = [];
      for (const block of message.content) {
        if (block.type === "text" && block.text) parts.push({ type: "text", text: block.text });
        else if (block.type === "tool_use") {
          parts.push({
            type: "tool-call",
            toolCallId: block.id,
            toolName: block.name,
            input: block.input ?? {},
            ...(block.provider ? { providerOptions: block.provider as Record<string, any> } : {}),
          });
          pending.set(block.id, block.name);
        }
        // thinking blocks are kept in the task but not replayed: their signatures are provider-bound.
      }
      if (parts.length) out.push({ role: "assistant", content: parts });
      continue;
    }
    const user: UserPart[] = [];
    for (const block of message.content) {
      const toolName = block.type === "tool_result" ? pending.get(block.tool_use_id) : undefined;
      if (block.type !== "tool_result" || toolName === undefined) {
        user.push(...userParts(block));
        continue;
      }
      pending.delete(block.tool_use_id);
      // Text (and documents read as text) is the tool's output; images and files follow as the user's.
      const parts = block.content.flatMap(userParts);
      const texts = parts.flatMap((part) => (part.type === "text" ? [part.text] : []));
      const images = parts.filter((part) => part.type !== "text");
      const value = texts.join("\n") || (images.length ? "See the image below." : "Done.");
      results.push({
        type: "tool-result",
        toolCallId: block.tool_use_id,
        toolName,
        output: block.is_error ? { type: "error-text", value } : { type: "text", value },
      });
      if (images.length) after.push({ type: "text", text: `Result of ${toolName}:` }, ...images);
    }
    if (pending.size > 0) after.push(...user);
    else {
      after.push(...user);
      close();
    }
  }
  close();
  return out;
}

/** What an image beyond the newest ones becomes. */
export const OMITTED_IMAGE = "[an earlier screenshot, omitted to save context]";

/**
 * Keeps the newest `keep` images of the conversation and turns older ones into a short text
 * (0 keeps all). Screenshots are most of a desktop agent's tokens and cost (B§3.8, Bytebot issue
 * #138), and only the recent ones say anything about the screen now — Anthropic's computer-use
 * reference keeps the last three. The stored messages keep every image.
 */
export function keepNewestImages(messages: ModelMessage[], keep: number): ModelMessage[] {
  if (keep <= 0) return messages;
  let seen = 0;
  const out = [...messages];
  for (let i = out.length - 1; i >= 0; i--) {
    const message = out[i]!;
    if (message.role !== "user" || !Array.isArray(message.content)) continue;
    const parts = [...message.content];
    let changed = false;
    for (let j = parts.length - 1; j >= 0; j--) {
      if (parts[j]!.type !== "image") continue;
      if (++seen > keep) {
        parts[j] = { type: "text", text: OMITTED_IMAGE };
        changed = true;
      }
    }
    if (changed) out[i] = { ...message, content: parts };
  }
  return out;
}

/** A model reply's content as stored blocks: text, tool calls, reasoning (kept as thinking). */
export function fromModelContent(
  content: readonly {
    type: string;
    text?: string;
    toolCallId?: string;
    toolName?: string;
    input?: unknown;
    providerMetadata?: Record<string, Record<string, unknown>> | undefined;
  }[],
): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const part of content) {
    if (part.type === "text" && part.text) blocks.push({ type: "text", text: part.text });
    else if (part.type === "reasoning" && part.text) blocks.push({ type: "thinking", thinking: part.text, signature: "" });
    else if (part.type === "tool-call" && part.toolCallId && part.toolName) {
      // Kept so the call is replayed as the provider sent it (Gemini rejects calls without their thought signature).
      const provider = part.providerMetadata && Object.keys(part.providerMetadata).length ? part.providerMetadata : undefined;
      blocks.push({
        type: "tool_use",
        id: part.toolCallId,
        name: part.toolName,
        input: part.input ?? {},
        ...(provider ? { provider } : {}),
      });
    }
  }
  return blocks;
}
