// Node-only (test support): one scripted LLM endpoint speaking four wire protocols, for the desktop agent's real AI SDK providers.
import { Hono } from "hono";
import { serveLocal } from "./serve-local";

export type Protocol = "anthropic" | "openai-chat" | "openai-responses" | "gemini";

/** One block of a scripted reply: text, or a call of one of the agent's tools. */
export type ScriptedBlock = { text: string } | { tool: string; input: Record<string, unknown> };

export type ScriptedReply =
  /** A streamed reply, with the usage it reports (input tokens decide when the agent summarises). */
  | { blocks: ScriptedBlock[]; usage?: { input: number; output: number } }
  /** An HTTP error, e.g. 429 with retry-after. */
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answers: the request stays open until the client goes away (cancel, takeover, a killed server). */
  | { hang: true };

export interface ModelRequest {
  protocol: Protocol;
  /** The model id, from the body or (Gemini) the URL. */
  model: string;
  body: any;
  /** Tool-less requests are the agent's summary calls. */
  hasTools: boolean;
  /** Date.now() when it arrived. */
  at: number;
  /** Set once the client closed a hanging request. */
  aborted: boolean;
}

/** Chooses the reply to a request; `index` counts the requests received so far (all protocols). */
export type Script = (request: ModelRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;

let ids = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(++ids).toString(36).padStart(5, "0")}`;
const sse = (events: unknown[], named = false) =>
  events.map((data) => `${named ? `event: ${(data as { type: string }).type}\n` : ""}data: ${JSON.stringify(data)}\n\n`).join("");

function anthropic(model: string, blocks: ScriptedBlock[], usage: { input: number; output: number }): string {
  const events: unknown[] = [
    {
      type: "message_start",
      message: {
        id: nextId("msg"),
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        usage: { input_tokens: usage.input, output_tokens: 0 },
      },
    },
  ];
  blocks.forEach((block, index) => {
    if ("text" in block) {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } });
    } else {
      events.push({
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: nextId("toolu"), name: block.tool, input: {} },
      });
      events.push({
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
      });
    }
    events.push({ type: "content_block_stop", index });
  });
  const stop_reason = blocks.some((b) => "tool" in b) ? "tool_use" : "end_turn";
  events.push({ type: "message_delta", delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output } });
  events.push({ type: "message_stop" });
  return sse(events, true);
}

function openaiChat(model: string, blocks: ScriptedBlock[], usage: { input: number; output: number }): string {
  const id = nextId("chatcmpl");
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices,
    ...extra,
  });
  const events: unknown[] = [chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }])];
  let call = 0;
  for (const block of blocks) {
    if ("text" in block) events.push(chunk([{ index: 0, delta: { content: block.text }, finish_reason: null }]));
    else {
      const toolCall = {
        index: call++,
        id: nextId("call"),
        type: "function",
        function: { name: block.tool, arguments: JSON.stringify(block.input) },
      };
      events.push(chunk([{ index: 0, delta: { tool_calls: [toolCall] }, finish_reason: null }]));
    }
  }
  events.push(chunk([{ index: 0, delta: {}, finish_reason: call > 0 ? "tool_calls" : "stop" }]));
  events.push(
    chunk([], {
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    }),
  );
  return `${sse(events)}data: [DONE]\n\n`;
}

function openaiResponses(model: string, blocks: ScriptedBlock[], usage: { input: number; output: number }): string {
  let sequence = 0;
  const events: Record<string, unknown>[] = [];
  const emit = (data: Record<string, unknown>) => events.push({ ...data, sequence_number: sequence++ });
  const base = { id: nextId("resp"), object: "response", created_at: Math.floor(Date.now() / 1000), model };
  emit({ type: "response.created", response: { ...base, status: "in_progress", output: [] } });
  const output = blocks.map((block) =>
    "text" in block
      ? {
          type: "message",
          id: nextId("msg"),
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: block.text, annotations: [] }],
        }
      : {
          type: "function_call",
          id: nextId("fc"),
          call_id: nextId("call"),
          name: block.tool,
          arguments: JSON.stringify(block.input),
          status: "completed",
        },
  );
  output.forEach((item, output_index) => {
    emit({
      type: "response.output_item.added",
      output_index,
      item: item.type === "message" ? { ...item, status: "in_progress", content: [] } : item,
    });
    if (item.type === "message") {
      const text = (item.content as { text: string }[])[0]!.text;
      emit({ type: "response.output_text.delta", item_id: item.id, output_index, content_index: 0, delta: text });
    }
    emit({ type: "response.output_item.done", output_index, item });
  });
  emit({
    type: "response.completed",
    response: {
      ...base,
      status: "completed",
      output,
      usage: {
        input_tokens: usage.input,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: usage.output,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: usage.input + usage.output,
      },
    },
  });
  return sse(events, true);
}

function gemini(model: string, blocks: ScriptedBlock[], usage: { input: number; output: number }): string {
  // Gemini 3 signs its function calls; a client must send the signature back with the call.
  const parts = blocks.map((block, i) =>
    "text" in block
      ? { text: block.text }
      : { functionCall: { name: block.tool, args: block.input }, thoughtSignature: `signed-${block.tool}-${i}` },
  );
  return sse([
    {
      candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
      usageMetadata: {
        promptTokenCount: usage.input,
        candidatesTokenCount: usage.output,
        totalTokenCount: usage.input + usage.output,
      },
      modelVersion: model,
    },
  ]);
}

const ENCODERS: Record<Protocol, (model: string, blocks: ScriptedBlock[], usage: { input: number; output: number }) => string> = {
  anthropic,
  "openai-chat": openaiChat,
  "openai-responses": openaiResponses,
  gemini,
};

export interface ModelServer {
  /** Base URLs for the agent's configuration. */
  urls: { anthropic: string; openai: string; gemini: string };
  requests: ModelRequest[];
  /** Replaces the script (one server serves a whole test file). */
  setScript(script: Script): void;
  close(): Promise<void>;
}

/**
 * Anthropic Messages (`POST /anthropic/v1/messages`, SSE), OpenAI Chat Completions and Responses
 * (`POST /openai/v1/chat/completions|responses`, SSE) and Gemini (`POST
 * /gemini/v1beta/models/<m>:streamGenerateContent?alt=sse`), each answering from the same script in
 * its own wire format, so the real AI SDK providers parse real streams. Every request is kept for
 * assertions on what the agent sent.
 *
 * @example
 * const server = await startModelServer((req, i) => ({ blocks: [{ tool: "computer_screenshot", input: {} }] }));
 * // ANTHROPIC_BASE_URL=server.urls.anthropic OPENAI_BASE_URL=server.urls.openai GEMINI_BASE_URL=server.urls.gemini
 */
export async function startModelServer(initial: Script = () => ({ blocks: [{ text: "no script" }] })): Promise<ModelServer> {
  let script = initial;
  const requests: ModelRequest[] = [];
  const hanging = new Set<() => void>();
  const app = new Hono();

  const answer = async (c: any, protocol: Protocol, modelInUrl?: string) => {
    const body = await c.req.json();
    const model = modelInUrl ?? String(body.model);
    const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
    const request: ModelRequest = { protocol, model, body, hasTools, at: Date.now(), aborted: false };
    const index = requests.length;
    requests.push(request);
    const reply = await script(request, index);
    if ("hang" in reply) {
      await new Promise<void>((resolve) => {
        const done = () => {
          hanging.delete(done);
          request.aborted = true;
          resolve();
        };
        hanging.add(done);
        c.req.raw.signal.addEventListener("abort", done, { once: true });
      });
      return c.body(null, 499);
    }
    if ("status" in reply)
      return c.json(reply.body ?? { error: { message: `scripted ${reply.status}` } }, reply.status, reply.headers ?? {});
    const text = ENCODERS[protocol](model, reply.blocks, reply.usage ?? { input: 100, output: 20 });
    return c.body(text, 200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  };

  app.post("/anthropic/v1/messages", (c) => answer(c, "anthropic"));
  app.post("/openai/v1/chat/completions", (c) => answer(c, "openai-chat"));
  app.post("/openai/v1/responses", (c) => answer(c, "openai-responses"));
  app.post("/gemini/v1beta/models/:call", (c) => answer(c, "gemini", c.req.param("call").split(":")[0] ?? ""));
  app.all("*", (c) => c.json({ error: { message: `not scripted: ${c.req.method} ${c.req.path}` } }, 404));

  const { origin, close } = await serveLocal(app);
  return {
    urls: { anthropic: `${origin}/anthropic`, openai: `${origin}/openai/v1`, gemini: `${origin}/gemini` },
    requests,
    setScript: (next) => {
      script = next;
    },
    close: async () => {
      for (const done of [...hanging]) done();
      await close();
    },
  };
}

/** The base64 images a request carries, wherever its protocol puts them. */
export function imagesOf(request: ModelRequest): string[] {
  const found: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, any>;
    if (n.type === "image" && n.source?.type === "base64")
      found.push(n.source.data); // Anthropic
    else if (n.type === "image_url")
      found.push(String(n.image_url?.url ?? "").replace(/^data:[^,]*,/, "")); // OpenAI Chat
    else if (n.type === "input_image")
      found.push(String(n.image_url ?? "").replace(/^data:[^,]*,/, "")); // OpenAI Responses
    else if (n.inlineData?.data)
      found.push(n.inlineData.data); // Gemini
    else Object.values(n).forEach(visit);
  };
  visit(request.body);
  return found;
}
