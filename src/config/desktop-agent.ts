import { z } from "zod";
import { AGENT_NAMES } from "../agents/adapter";
import { type BuildContext, type EnvValues, int, oneOf, text, url } from "./parse";

/** One model a provider offers: its id, what GET /tasks/models calls it, its context window, whether it sees images. */
export interface AgentModelConfig {
  name: string;
  title: string;
  contextWindow: number;
  images: boolean;
}

/** The wire protocol a provider speaks (each one an AI SDK provider). */
export type ProviderApi = "anthropic" | "openai-responses" | "openai-chat" | "google";

export interface AgentProviderConfig {
  /** The `provider` of a task's model object (anthropic, openai, google, or a compatible provider's name). */
  id: string;
  api: ProviderApi;
  apiKey: string;
  baseUrl: string | undefined;
  models: AgentModelConfig[];
}

/** B§2.3's static lists, used when a key is set and no `*_MODELS` variable names others. */
const DEFAULT_MODELS: Record<"anthropic" | "openai" | "google", AgentModelConfig[]> = {
  anthropic: [
    { name: "claude-opus-4-1-20250805", title: "Claude Opus 4.1", contextWindow: 200_000, images: true },
    { name: "claude-sonnet-4-20250514", title: "Claude Sonnet 4", contextWindow: 200_000, images: true },
  ],
  openai: [
    { name: "o3-2025-04-16", title: "o3", contextWindow: 200_000, images: true },
    { name: "gpt-4.1-2025-04-14", title: "GPT-4.1", contextWindow: 1_047_576, images: true },
  ],
  google: [
    { name: "gemini-2.5-pro", title: "Gemini 2.5 Pro", contextWindow: 1_000_000, images: true },
    { name: "gemini-2.5-flash", title: "Gemini 2.5 Flash", contextWindow: 1_000_000, images: true },
  ],
};

const ModelEntry = z.object({
  name: z.string().min(1),
  title: z.string().min(1).optional(),
  contextWindow: z.number().int().min(1).optional(),
  images: z.boolean().optional(),
});

/** `id`, `id:contextWindow`, or `id:contextWindow:noimages`, comma-separated. */
const modelList = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx): AgentModelConfig[] | undefined => {
      if (raw === undefined) return undefined;
      const models: AgentModelConfig[] = [];
      for (const item of raw
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)) {
        const [name = "", window, flags] = item.split(":");
        const contextWindow = window ? Number(window) : 128_000;
        if (!name || !Number.isSafeInteger(contextWindow) || contextWindow < 1 || (flags && flags !== "noimages")) {
          ctx.addIssue({
            code: "custom",
            message: `expects model ids, optionally with a context window and :noimages (e.g. "gpt-4.1:1047576,local:32000:noimages"), got "${item}"`,
          });
          return z.NEVER;
        }
        models.push({ name, title: name, contextWindow, images: flags !== "noimages" });
      }
      return models;
    });

const CompatibleProvider = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "name must be lower-case letters, digits, - or _")
    .refine(
      (name) => !["anthropic", "openai", "google", ...AGENT_NAMES].includes(name),
      "name is taken by a built-in provider or an agent",
    ),
  baseUrl: z.url(),
  apiKey: z.string().optional(),
  api: z.enum(["chat", "responses"]).optional(),
  models: z.array(ModelEntry).min(1),
});

/** DESKTOP_AGENT_PROVIDERS: a JSON list of OpenAI-compatible endpoints (LiteLLM, vLLM, Ollama…) with their models. */
const compatibleProviders = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx): AgentProviderConfig[] => {
      if (raw === undefined) return [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `expects JSON (${(error as Error).message})` });
        return z.NEVER;
      }
      const list = z.array(CompatibleProvider).safeParse(parsed);
      if (!list.success) {
        const issue = list.error.issues[0];
        ctx.addIssue({
          code: "custom",
          message: `expects [{"name":"litellm","baseUrl":"http://host:4000/v1","apiKey"?,"api"?:"chat"|"responses","models":[{"name","title"?,"contextWindow"?,"images"?}]}] (${issue?.path.join(".")}: ${issue?.message})`,
        });
        return z.NEVER;
      }
      return list.data.map((entry) => ({
        id: entry.name,
        api: entry.api === "responses" ? "openai-responses" : "openai-chat",
        // Local servers (Ollama, vLLM) take any key; the SDK wants one.
        apiKey: entry.apiKey ?? "none",
        baseUrl: entry.baseUrl,
        models: entry.models.map((model) => ({
          name: model.name,
          title: model.title ?? model.name,
          contextWindow: model.contextWindow ?? 128_000,
          images: model.images ?? true,
        })),
      }));
    });

/** The desktop agent (issue 13): its LLM providers (B§3.7), budget (ours), retries and summaries (B§3.4). */
export const desktopAgentEnv = {
  ANTHROPIC_API_KEY: text(),
  ANTHROPIC_BASE_URL: url(),
  ANTHROPIC_MODELS: modelList(),
  OPENAI_API_KEY: text(),
  OPENAI_BASE_URL: url(),
  OPENAI_API: oneOf(["responses", "chat"], "responses"),
  OPENAI_MODELS: modelList(),
  GEMINI_API_KEY: text(),
  GEMINI_BASE_URL: url(),
  GEMINI_MODELS: modelList(),
  DESKTOP_AGENT_PROVIDERS: compatibleProviders(),
  DESKTOP_AGENT_MAX_ITERATIONS: int("model calls per stretch of work on a desktop task", 200),
  DESKTOP_AGENT_MAX_TOKENS: int("input + output tokens per stretch of work on a desktop task", 5_000_000),
  DESKTOP_AGENT_MAX_WALL_MS: int("milliseconds per stretch of work on a desktop task", 3_600_000),
  DESKTOP_AGENT_CALL_TIMEOUT_MS: int("milliseconds one model call may take before it is retried", 300_000, 100),
  DESKTOP_AGENT_MAX_OUTPUT_TOKENS: int("tokens one model reply may have", 8192, 1, 1_000_000),
  DESKTOP_AGENT_RETRIES: int("retries of a model call answered 429 or 5xx", 5, 0, 50),
  DESKTOP_AGENT_RETRY_MIN_MS: int("first backoff before retrying a model call", 1000, 0),
  DESKTOP_AGENT_RETRY_MAX_MS: int("longest wait before retrying a model call (retry-after included)", 60_000, 0),
  DESKTOP_AGENT_MAX_IMAGES: int("newest screenshots sent to the model (0: all)", 3, 0),
  DESKTOP_AGENT_SCREENSHOT_DELAY_MS: int("milliseconds between an action and its screenshot", 750, 0, 60_000),
  DESKTOP_AGENT_SUMMARY_PERCENT: int("percent of the context window that triggers a summary", 75, 1, 100),
};

/** Strips a trailing slash; appends the API version the SDK expects unless the URL names one already. */
const withVersion = (base: string | undefined, version: string) => {
  if (!base) return undefined;
  const trimmed = base.replace(/\/+$/, "");
  return /\/v\d[\w]*$/.test(trimmed) ? trimmed : `${trimmed}/${version}`;
};

export function desktopAgentConfig(e: EnvValues<typeof desktopAgentEnv>, _ctx: BuildContext) {
  const providers: AgentProviderConfig[] = [];
  if (e.ANTHROPIC_API_KEY) {
    providers.push({
      id: "anthropic",
      api: "anthropic",
      apiKey: e.ANTHROPIC_API_KEY,
      // Like Claude Code and Anthropic's SDK, ANTHROPIC_BASE_URL is the origin (no /v1).
      baseUrl: withVersion(e.ANTHROPIC_BASE_URL, "v1"),
      models: e.ANTHROPIC_MODELS ?? DEFAULT_MODELS.anthropic,
    });
  }
  if (e.OPENAI_API_KEY) {
    providers.push({
      id: "openai",
      api: e.OPENAI_API === "chat" ? "openai-chat" : "openai-responses",
      apiKey: e.OPENAI_API_KEY,
      // Like OpenAI's SDK, OPENAI_BASE_URL includes the version (…/v1).
      baseUrl: e.OPENAI_BASE_URL?.replace(/\/+$/, ""),
      models: e.OPENAI_MODELS ?? DEFAULT_MODELS.openai,
    });
  }
  if (e.GEMINI_API_KEY) {
    providers.push({
      id: "google",
      api: "google",
      apiKey: e.GEMINI_API_KEY,
      baseUrl: withVersion(e.GEMINI_BASE_URL, "v1beta"),
      models: e.GEMINI_MODELS ?? DEFAULT_MODELS.google,
    });
  }
  providers.push(...e.DESKTOP_AGENT_PROVIDERS);
  return {
    desktopAgent: {
      providers,
      budget: {
        maxIterations: e.DESKTOP_AGENT_MAX_ITERATIONS,
        maxTokens: e.DESKTOP_AGENT_MAX_TOKENS,
        maxWallMs: e.DESKTOP_AGENT_MAX_WALL_MS,
      },
      maxOutputTokens: e.DESKTOP_AGENT_MAX_OUTPUT_TOKENS,
      callTimeoutMs: e.DESKTOP_AGENT_CALL_TIMEOUT_MS,
      retry: { retries: e.DESKTOP_AGENT_RETRIES, minMs: e.DESKTOP_AGENT_RETRY_MIN_MS, maxMs: e.DESKTOP_AGENT_RETRY_MAX_MS },
      screenshotDelayMs: e.DESKTOP_AGENT_SCREENSHOT_DELAY_MS,
      maxImages: e.DESKTOP_AGENT_MAX_IMAGES,
      summaryFraction: e.DESKTOP_AGENT_SUMMARY_PERCENT / 100,
    },
  };
}

export type DesktopAgentConfig = ReturnType<typeof desktopAgentConfig>["desktopAgent"];
