// Runtime-neutral: one streamed model call of the agent loop, errors surfaced as thrown errors.
import { type LanguageModel, type ModelMessage, streamText, type Tool } from "ai";
import { fromModelContent } from "./transcript";

export interface ModelReply {
  blocks: ReturnType<typeof fromModelContent>;
  /** Input + output tokens of this call (what fills the context window). */
  tokens: number;
}

/**
 * Streams one reply (the providers' streaming endpoints: Anthropic Messages SSE, OpenAI Chat and
 * Responses SSE, Gemini streamGenerateContent) and returns its content. The SDK's own retries are
 * off: retry.ts is the one policy. A failed stream (an HTTP 429, a 500, a broken connection) throws
 * the SDK's error, so the caller can retry or report it.
 */
export async function callModel(input: {
  model: LanguageModel;
  system: string;
  messages: ModelMessage[];
  /** None for the summary call. */
  tools?: Record<string, Tool>;
  maxOutputTokens: number;
  signal: AbortSignal;
}): Promise<ModelReply> {
  const stream = streamText({
    model: input.model,
    system: input.system,
    messages: input.messages,
    ...(input.tools ? { tools: input.tools } : {}),
    maxOutputTokens: input.maxOutputTokens,
    maxRetries: 0,
    abortSignal: input.signal,
    // Errors are read from the stream below; the SDK's default handler would print them.
    onError: () => {},
  });
  let failure: unknown;
  for await (const part of stream.fullStream) {
    if (part.type === "error") failure ??= part.error;
  }
  if (failure !== undefined) throw failure;
  input.signal.throwIfAborted();
  const [content, usage] = await Promise.all([stream.content, stream.usage]);
  const tokens = usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  return { blocks: fromModelContent(content as Parameters<typeof fromModelContent>[0]), tokens };
}
