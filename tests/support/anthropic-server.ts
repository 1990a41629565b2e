// Node-only: a scripted Anthropic Messages server on 127.0.0.1 (node:http via @hono/node-server).
import { Hono } from "hono";
import { serveLocal } from "./serve-local";

/** One content block of a scripted assistant reply. */
export type AnthropicBlock = { text: string } | { toolUse: { name: string; input: Record<string, unknown> } };

/** The request body Claude Code sent (only the parts the tests look at are typed). */
export interface AnthropicRequest {
  model?: string;
  messages: { role: string; content: unknown }[];
  tools?: { name: string }[];
  stream?: boolean;
}

/** Chooses the reply to one request; `turn` counts the conversation requests answered so far. */
export type AnthropicResponder = (request: AnthropicRequest, turn: number) => AnthropicBlock[];

export interface AnthropicServer {
  /** Base URL for ANTHROPIC_BASE_URL. */
  url: string;
  /** Every conversation request received (requests with tools), in order. */
  requests: AnthropicRequest[];
  /** Requests without tools (Claude Code's side calls: titles, summaries), answered with plain text. */
  sideRequests: AnthropicRequest[];
  close(): Promise<void>;
}

let ids = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(++ids).toString(36).padStart(6, "0")}`;

/** The SSE body of one streamed Messages reply: text and tool_use blocks, then stop. */
function messageStream(model: string, blocks: AnthropicBlock[]): string {
  const events: [string, unknown][] = [];
  const usage = { input_tokens: 12, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  events.push([
    "message_start",
    {
      type: "message_start",
      message: { id: nextId("msg"), type: "message", role: "assistant", model, content: [], stop_reason: null, usage },
    },
  ]);
  blocks.forEach((block, index) => {
    if ("text" in block) {
      events.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }]);
      events.push([
        "content_block_delta",
        { type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } },
      ]);
    } else {
      const content_block = { type: "tool_use", id: nextId("toolu"), name: block.toolUse.name, input: {} };
      events.push(["content_block_start", { type: "content_block_start", index, content_block }]);
      events.push([
        "content_block_delta",
        {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: JSON.stringify(block.toolUse.input) },
        },
      ]);
    }
    events.push(["content_block_stop", { type: "content_block_stop", index }]);
  });
  const stop_reason = blocks.some((block) => "toolUse" in block) ? "tool_use" : "end_turn";
  events.push([
    "message_delta",
    { type: "message_delta", delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: 7 } },
  ]);
  events.push(["message_stop", { type: "message_stop" }]);
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join("");
}

/**
 * An Anthropic-compatible endpoint that replays scripted turns, so the real Claude Code CLI runs
 * its real tools offline. Requests that carry tools are conversation turns and go to `respond`;
 * tool-less side calls get a short text. Roles are not validated strictly on purpose.
 *
 * @example
 * const server = await startAnthropicServer((req, turn) => turn === 0 ? [{ toolUse: { name: "Bash", input: { command: "ls" } } }] : [{ text: "done" }]);
 * // ANTHROPIC_BASE_URL=server.url claude -p "…" --output-format stream-json --verbose
 */
export async function startAnthropicServer(respond: AnthropicResponder): Promise<AnthropicServer> {
  const requests: AnthropicRequest[] = [];
  const sideRequests: AnthropicRequest[] = [];
  const app = new Hono();
  app.post("/v1/messages", async (c) => {
    const body = (await c.req.json()) as AnthropicRequest;
    const model = body.model ?? "claude-scripted";
    let blocks: AnthropicBlock[];
    if (body.tools && body.tools.length > 0) {
      blocks = respond(body, requests.length);
      requests.push(body);
    } else {
      sideRequests.push(body);
      blocks = [{ text: "Scripted side reply" }];
    }
    if (!body.stream) {
      return c.json({
        id: nextId("msg"),
        type: "message",
        role: "assistant",
        model,
        content: blocks.map((b) =>
          "text" in b ? { type: "text", text: b.text } : { type: "tool_use", id: nextId("toolu"), ...b.toolUse },
        ),
        stop_reason: "end_turn",
        usage: { input_tokens: 12, output_tokens: 7 },
      });
    }
    return c.body(messageStream(model, blocks), 200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  });
  // Claude Code may probe the base URL (HEAD /); a 404 is fine.
  app.all("*", (c) => c.json({ type: "error", error: { type: "not_found_error", message: "not scripted" } }, 404));

  const { origin, close } = await serveLocal(app);
  return {
    url: `${origin}`,
    requests,
    sideRequests,
    close,
  };
}
