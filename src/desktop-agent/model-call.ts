// Runtime-neutral: one streamed model call of the agent loop, errors surfaced as thrown errors.
import { type LanguageModel, type ModelMessage, streamText, type Tool } from "ai";
import { fromModelContent } from "./transcript";

export interface ModelReply {
  blocks: ReturnType<typeof fromModelContent>;
  /** Input + output tokens of this call (what fills the context window). */
  tokens: number;
}

/** A model call that took longer than DESKTOP_AGENT_CALL_TIMEOUT_MS (retried like a 5xx: the provider hung). */
export class ModelTimeoutError extends Error {
  override name = "ModelTimeoutError";
}

/**
 * Anthropic prompt caching (as Bytebot, B§3.7): breakpoints on the system prompt and the newest
 * message, so each iteration reads the unchanged prefix from the cache. Other providers ignore
 * options keyed `anthropic` (OpenAI and Gemini cache prefixes by themselves).
 */
type ProviderOptions = NonNullable<Parameters<typeof streamText>[0]["providerOptions"]>;

const CACHE = { anthropic: { cacheControl: { type: "ephemeral" } } } as const;

function withLastBreakpoint(messages: ModelMessage[]): ModelMessage[] {
  const last = messages.at(-1);
  if (!last) return messages;
  return [...messages.slice(0, -1), { ...last, providerOptions: { ...last.providerOptions, ...CACHE } } as ModelMessage];
}

/**
 * Streams one reply (the providers' streaming endpoints: Anthropic Messages SSE, OpenAI Chat and
 * Responses SSE, Gemini streamGenerateContent) and returns its content. The SDK's own retries are
 * off: retry.ts is the one policy. A failed stream (an HTTP 429, a 500, a broken connection) throws
 * the SDK's error, and a call past `timeoutMs` a ModelTimeoutError, so the caller can retry or
 * report it; `signal` (the task's stop) aborts it and throws its reason.
 */
export async function callModel(input: {
  model: LanguageModel;
  system: string;
  messages: ModelMessage[];
  /** None for the summary call. */
  tools?: Record<string, Tool>;
  maxOutputTokens: number;
  timeoutMs: number;
  /** Per-provider request options (ResolvedModel.providerOptions). */
  providerOptions?: ProviderOptions | undefined;
  signal: AbortSignal;
}): Promise<ModelReply> {
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const stream = streamText({
    model: input.model,
    system: { role: "system", content: input.system, providerOptions: CACHE },
    messages: withLastBreakpoint(input.messages),
    ...(input.tools ? { tools: input.tools } : {}),
    maxOutputTokens: input.maxOutputTokens,
    ...(input.providerOptions ? { providerOptions: input.providerOptions } : {}),
    maxRetries: 0,
    abortSignal: AbortSignal.any([input.signal, timeout]),
    // Errors are read from the stream below; the SDK's default handler would print them.
    onError: () => {},
  });
  let failure: unknown;
  for await (const part of stream.fullStream) {
    if (part.type === "error") failure ??= part.error;
  }
  input.signal.throwIfAborted();
  if (timeout.aborted) throw new ModelTimeoutError(`The model did not answer within ${input.timeoutMs} ms`);
  if (failure !== undefined) throw failure;
  const [content, usage] = await Promise.all([stream.content, stream.usage]);
  const tokens = usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  return { blocks: fromModelContent(content as Parameters<typeof fromModelContent>[0]), tokens };
}
