// Node-only: a scripted OpenAI Responses server on 127.0.0.1 (node:http via @hono/node-server).
import { Hono } from "hono";
import { serveLocal } from "./serve-local";

/** One output item of a scripted reply: text, a function call (JSON arguments) or a freeform custom tool call. */
export type ResponsesItem =
  | { text: string }
  | { functionCall: { name: string; arguments: Record<string, unknown> } }
  | { customToolCall: { name: string; input: string } };

/** The request body Codex sent (only the parts the tests look at are typed). */
export interface ResponsesRequest {
  model?: string;
  input: { type?: string; role?: string; content?: unknown; call_id?: string; output?: unknown }[];
  tools?: { type: string; name?: string }[];
  stream?: boolean;
}

/** Chooses the reply to one request; `turn` counts the requests answered so far. */
export type ResponsesResponder = (request: ResponsesRequest, turn: number) => ResponsesItem[];

export interface OpenAIServer {
  /** Base URL including `/v1`, for a Codex `model_providers.<id>.base_url`. */
  url: string;
  requests: ResponsesRequest[];
  close(): Promise<void>;
}

let ids = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(++ids).toString(36).padStart(6, "0")}`;

/** The wire form of one scripted item. */
function toItem(item: ResponsesItem): Record<string, unknown> {
  if ("text" in item) {
    return {
      type: "message",
      id: nextId("msg"),
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: item.text, annotations: [] }],
    };
  }
  if ("functionCall" in item) {
    return {
      type: "function_call",
      id: nextId("fc"),
      call_id: nextId("call"),
      name: item.functionCall.name,
      arguments: JSON.stringify(item.functionCall.arguments),
      status: "completed",
    };
  }
  return {
    type: "custom_tool_call",
    id: nextId("ctc"),
    call_id: nextId("call"),
    name: item.customToolCall.name,
    input: item.customToolCall.input,
    status: "completed",
  };
}

/** The SSE body of one streamed Responses reply: created → items (with text deltas) → completed. */
function responseStream(model: string, items: ResponsesItem[]): string {
  let sequence = 0;
  const events: string[] = [];
  const emit = (data: Record<string, unknown>) =>
    events.push(`event: ${data.type}\ndata: ${JSON.stringify({ ...data, sequence_number: sequence++ })}\n\n`);
  const id = nextId("resp");
  const base = { id, object: "response", created_at: Math.floor(Date.now() / 1000), model };
  emit({ type: "response.created", response: { ...base, status: "in_progress", output: [] } });
  const output = items.map(toItem);
  output.forEach((item, output_index) => {
    const first = item.type === "message" ? { ...item, status: "in_progress", content: [] } : item;
    emit({ type: "response.output_item.added", output_index, item: first });
    if (item.type === "message") {
      const text = ((item.content as { text: string }[])[0] as { text: string }).text;
      emit({ type: "response.output_text.delta", item_id: item.id, output_index, content_index: 0, delta: text });
    }
    emit({ type: "response.output_item.done", output_index, item });
  });
  const usage = {
    input_tokens: 20,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 8,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 28,
  };
  emit({ type: "response.completed", response: { ...base, status: "completed", output, usage } });
  return events.join("");
}

/**
 * An OpenAI Responses endpoint (`POST /v1/responses`, SSE) that replays scripted turns, so the real
 * Codex CLI runs its real tools offline. Tool output comes back as `function_call_output` /
 * `custom_tool_call_output` input items; `respond` can count them to know where the script is.
 *
 * @example
 * const server = await startOpenAIServer((req, turn) => turn === 0 ? [{ functionCall: { name: "exec_command", arguments: { cmd: "ls" } } }] : [{ text: "done" }]);
 * // codex exec -c 'model_providers.local={ base_url="<server.url>", wire_api="responses", … }' …
 */
export async function startOpenAIServer(respond: ResponsesResponder): Promise<OpenAIServer> {
  const requests: ResponsesRequest[] = [];
  const app = new Hono();
  app.post("/v1/responses", async (c) => {
    const body = (await c.req.json()) as ResponsesRequest;
    const items = respond(body, requests.length);
    requests.push(body);
    return c.body(responseStream(body.model ?? "gpt-scripted", items), 200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache",
    });
  });
  app.get("/v1/models", (c) => c.json({ object: "list", data: [], models: [] }));
  app.all("*", (c) => c.json({ error: { message: "not scripted", type: "not_found" } }, 404));

  const { origin, close } = await serveLocal(app);
  return {
    url: `${origin}/v1`,
    requests,
    close,
  };
}
