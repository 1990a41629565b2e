// The desktop agent's configuration: providers from environment variables, checked at start-up.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";

const load = (env: Record<string, string>) => loadConfig(env, { cwd: "/srv" }).desktopAgent;

describe("desktop agent configuration", () => {
  it("has no providers without keys, and Bytebot's model lists (B§2.3) per key", () => {
    expect(load({}).providers).toEqual([]);
    const { providers, budget, retry, summaryFraction } = load({
      ANTHROPIC_API_KEY: "a",
      OPENAI_API_KEY: "o",
      GEMINI_API_KEY: "g",
    });
    expect(providers.map((p) => [p.id, p.api, p.baseUrl, p.models.map((m) => m.name)])).toEqual([
      ["anthropic", "anthropic", undefined, ["claude-opus-4-1-20250805", "claude-sonnet-4-20250514"]],
      ["openai", "openai-responses", undefined, ["o3-2025-04-16", "gpt-4.1-2025-04-14"]],
      ["google", "google", undefined, ["gemini-2.5-pro", "gemini-2.5-flash"]],
    ]);
    expect(budget).toEqual({ maxIterations: 200, maxTokens: 5_000_000, maxWallMs: 3_600_000 });
    expect(retry).toEqual({ retries: 5, minMs: 1000, maxMs: 60_000 });
    expect(summaryFraction).toBe(0.75);
  });

  it("takes base URLs as each SDK's users know them, the OpenAI API choice, and model lists", () => {
    const { providers } = load({
      ANTHROPIC_API_KEY: "a",
      ANTHROPIC_BASE_URL: "http://proxy:8080/",
      OPENAI_API_KEY: "o",
      OPENAI_BASE_URL: "http://vllm:8000/v1/",
      OPENAI_API: "chat",
      OPENAI_MODELS: "qwen:32000,tiny:4000:noimages",
      GEMINI_API_KEY: "g",
      GEMINI_BASE_URL: "http://gemini-proxy",
    });
    expect(providers.map((p) => p.baseUrl)).toEqual([
      "http://proxy:8080/v1",
      "http://vllm:8000/v1",
      "http://gemini-proxy/v1beta",
    ]);
    expect(providers[1]).toMatchObject({
      api: "openai-chat",
      models: [
        { name: "qwen", contextWindow: 32000, images: true },
        { name: "tiny", contextWindow: 4000, images: false },
      ],
    });
  });

  it("reads a list of OpenAI-compatible providers (LiteLLM, vLLM, Ollama) and refuses mistakes with one line", () => {
    const { providers } = load({
      DESKTOP_AGENT_PROVIDERS: JSON.stringify([
        {
          name: "litellm",
          baseUrl: "http://litellm:4000/v1",
          apiKey: "sk",
          models: [{ name: "claude-sonnet", contextWindow: 200000 }],
        },
        { name: "ollama", baseUrl: "http://127.0.0.1:11434/v1", api: "chat", models: [{ name: "llava" }] },
      ]),
    });
    expect(providers).toEqual([
      {
        id: "litellm",
        api: "openai-chat",
        apiKey: "sk",
        baseUrl: "http://litellm:4000/v1",
        models: [{ name: "claude-sonnet", title: "claude-sonnet", contextWindow: 200000, images: true }],
      },
      {
        id: "ollama",
        api: "openai-chat",
        apiKey: "none",
        baseUrl: "http://127.0.0.1:11434/v1",
        models: [{ name: "llava", title: "llava", contextWindow: 128000, images: true }],
      },
    ]);
    expect(() => load({ DESKTOP_AGENT_PROVIDERS: "[{" })).toThrow(/DESKTOP_AGENT_PROVIDERS expects JSON/);
    expect(() =>
      load({ DESKTOP_AGENT_PROVIDERS: JSON.stringify([{ name: "claude", baseUrl: "http://x", models: [{ name: "m" }] }]) }),
    ).toThrow(/DESKTOP_AGENT_PROVIDERS .*name is taken/);
    expect(() => load({ OPENAI_API: "completions" })).toThrow(/OPENAI_API expects one of responses, chat/);
    expect(() => load({ OPENAI_MODELS: "m:lots" })).toThrow(/OPENAI_MODELS expects model ids/);
    expect(() => load({ DESKTOP_AGENT_MAX_ITERATIONS: "0" })).toThrow(/DESKTOP_AGENT_MAX_ITERATIONS/);
  });
});
