/**
 * §10.9.2's model-based MCP selection through OpenAI's chat completions API. Only used when
 * OPENAI_API_KEY is set; any failure (network, status, unreadable answer) returns null so the
 * caller falls back to keywords. The prompt and context leave the host (§12 item 10): that is
 * what setting the key opts into.
 */

export interface OpenAiSelectorOptions {
  apiKey: string;
  /** OPENAI_BASE_URL (default https://api.openai.com/v1). */
  baseUrl: string;
  model?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type ModelSelector = (
  prompt: string,
  context: string,
  catalogue: Record<string, string>,
) => Promise<{ selectedMcps: string[]; reasoning?: string } | null>;

/**
 * @example
 * const select = createOpenAiSelector({ apiKey, baseUrl: "https://api.openai.com/v1" });
 * await select("List my Jira tickets", "", { "jira-api-mcp-wrapper": "Jira issues" });
 */
export function createOpenAiSelector(options: OpenAiSelectorOptions): ModelSelector {
  const doFetch = options.fetch ?? fetch;
  return async (prompt, context, catalogue) => {
    const list = Object.entries(catalogue)
      .map(([name, description]) => `- ${name}: ${description}`)
      .join("\n");
    const user = [
      "Which of these MCP servers does the request need? Be conservative: select none unless the request clearly needs one.",
      "Prefer jira-api-mcp-wrapper for Jira and atlassian for Confluence.",
      `Available servers:\n${list}`,
      context ? `[Conversation Context]:\n${context}` : "",
      `[Current Request]: ${prompt}`,
      'Answer with JSON only: {"selectedMcps": ["name", ...], "reasoning": "why"}',
    ]
      .filter(Boolean)
      .join("\n\n");
    try {
      const res = await doFetch(`${options.baseUrl}/chat/completions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${options.apiKey}` },
        body: JSON.stringify({
          model: options.model ?? "gpt-3.5-turbo",
          temperature: 0.3,
          max_tokens: 500,
          messages: [
            { role: "system", content: "You choose tools for a coding agent. Always answer with valid JSON." },
            { role: "user", content: user },
          ],
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      if (!res.ok) return null;
      const data = (await res.json()) as { choices?: { message?: { content?: string } }[] };
      const content = data.choices?.[0]?.message?.content ?? "";
      const json = content.replace(/^\s*```(?:json)?\s*/i, "").replace(/\s*```\s*$/, "");
      const answer = JSON.parse(json) as { selectedMcps?: unknown; reasoning?: unknown };
      if (!Array.isArray(answer.selectedMcps)) return null;
      const selectedMcps = answer.selectedMcps.filter((name): name is string => typeof name === "string" && name in catalogue);
      return { selectedMcps, ...(typeof answer.reasoning === "string" ? { reasoning: answer.reasoning } : {}) };
    } catch {
      return null;
    }
  };
}
