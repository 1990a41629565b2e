// Node-only: a scripted Gemini API server (`:streamGenerateContent?alt=sse`) on 127.0.0.1.
import { Hono } from "hono";
import { serveLocal } from "../support/serve-local";

/** One part of a scripted model reply. */
export type GeminiPart = { text: string } | { functionCall: { name: string; args: Record<string, unknown> } };

export interface GeminiRequest {
  contents: { role?: string; parts?: unknown[] }[];
  tools?: unknown[];
}

export type GeminiResponder = (request: GeminiRequest, turn: number) => GeminiPart[];

export interface GeminiServer {
  /** Base URL for GOOGLE_GEMINI_BASE_URL. */
  url: string;
  /** Conversation requests (with tools), in order, with the model named in their URL. */
  requests: (GeminiRequest & { model: string })[];
  close(): Promise<void>;
}

/**
 * A Gemini-API endpoint that replays scripted turns so the real Gemini CLI runs its real tools
 * offline. Tool-less calls (Gemini CLI's routing/"next speaker" checks) get a neutral JSON answer.
 *
 * @example
 * const server = await startGeminiServer(() => [{ text: "done" }]);
 * // GOOGLE_GEMINI_BASE_URL=server.url GEMINI_API_KEY=k gemini -p "…" -m gemini-2.5-flash --output-format stream-json
 */
export async function startGeminiServer(respond: GeminiResponder): Promise<GeminiServer> {
  const requests: GeminiServer["requests"] = [];
  const app = new Hono();
  app.post("/:version/models/:call", async (c) => {
    const [model = "", method = ""] = c.req.param("call").split(":");
    if (method === "countTokens") return c.json({ totalTokens: 10 });
    const body = (await c.req.json()) as GeminiRequest;
    let parts: GeminiPart[];
    if (body.tools?.length) {
      parts = respond(body, requests.length);
      requests.push({ ...body, model });
    } else {
      parts = [{ text: '{"reasoning":"scripted","next_speaker":"user"}' }];
    }
    const chunk = {
      candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      modelVersion: model,
    };
    if (method === "streamGenerateContent") {
      return c.body(`data: ${JSON.stringify(chunk)}\r\n\r\n`, 200, { "Content-Type": "text/event-stream" });
    }
    return c.json(chunk);
  });
  app.all("*", (c) => c.json({ error: { code: 404, message: "not scripted", status: "NOT_FOUND" } }, 404));

  const { origin, close } = await serveLocal(app);
  return {
    url: `${origin}`,
    requests,
    close,
  };
}
