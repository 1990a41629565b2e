// Runtime-neutral: task model objects → AI SDK language models, over the configured providers.
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import type { JSONValue, LanguageModel } from "ai";
import type { AgentModelConfig, AgentProviderConfig } from "../config/desktop-agent";
import type { ModelSource, TaskModelOption } from "../tasks/models";
import type { TaskModel } from "../tasks/types";

/** A model ready to call, with what the loop must know about it. */
export interface ResolvedModel {
  model: LanguageModel;
  provider: string;
  name: string;
  contextWindow: number;
  images: boolean;
  /** Request options for this provider's API. */
  providerOptions?: Record<string, Record<string, JSONValue>>;
}

/**
 * One AI SDK provider per configured endpoint: Anthropic Messages, OpenAI Responses or Chat
 * Completions (any OpenAI-compatible server: LiteLLM, vLLM, Ollama), Google Generative AI.
 */
function languageModel(provider: AgentProviderConfig, name: string): LanguageModel {
  const base = { apiKey: provider.apiKey, ...(provider.baseUrl ? { baseURL: provider.baseUrl } : {}) };
  switch (provider.api) {
    case "anthropic":
      return createAnthropic(base)(name);
    case "google":
      return createGoogleGenerativeAI(base)(name);
    case "openai-chat":
      return createOpenAI(base).chat(name);
    case "openai-responses":
      return createOpenAI(base).responses(name);
  }
}

/**
 * The configured providers: the models GET /tasks/models lists, and the model a task names.
 *
 * @example
 * const providers = createProviders(config.desktopAgent.providers);
 * const resolved = providers.resolve({ provider: "anthropic", name: "claude-sonnet-4-20250514", title: "Claude Sonnet 4" });
 */
export function createProviders(configured: AgentProviderConfig[]) {
  const find = (model: TaskModel | null): { provider: AgentProviderConfig; entry: AgentModelConfig | undefined } | undefined => {
    const provider = configured.find((p) => p.id === model?.provider);
    if (!provider || !model) return undefined;
    return { provider, entry: provider.models.find((m) => m.name === model.name) };
  };

  return {
    configured: configured.length > 0,

    /** For GET /tasks/models: every configured model, `kind: desktop`. */
    source: (async () =>
      configured.flatMap((provider) =>
        provider.models.map(
          (model): TaskModelOption => ({
            provider: provider.id,
            name: model.name,
            title: model.title,
            contextWindow: model.contextWindow,
            kind: "desktop",
          }),
        ),
      )) satisfies ModelSource,

    /** Why a task's model cannot be used (unknown provider or model), or null. */
    problem(model: TaskModel | null): string | null {
      const ids = configured.map((p) => p.id).join(", ") || "none";
      if (!model) return `A desktop task needs a model (one of GET /tasks/models); configured providers: ${ids}`;
      const found = find(model);
      if (!found) return `The desktop agent has no provider "${model.provider}" configured (configured: ${ids})`;
      return null;
    },

    /**
     * The model to call. A model the provider does not list is still allowed (the provider decides), with the
     * task's own contextWindow or 128k — as Bytebot assumes for proxies.
     */
    resolve(model: TaskModel): ResolvedModel | undefined {
      const found = find(model);
      if (!found) return undefined;
      return {
        model: languageModel(found.provider, model.name),
        provider: found.provider.id,
        name: model.name,
        contextWindow: found.entry?.contextWindow ?? model.contextWindow ?? 128_000,
        images: found.entry?.images ?? true,
        // OpenAI Responses: nothing kept on the provider's side (B§3.7: store false; the conversation, screenshots included, is ours).
        ...(found.provider.api === "openai-responses" ? { providerOptions: { openai: { store: false } } } : {}),
      };
    },
  };
}

export type Providers = ReturnType<typeof createProviders>;
