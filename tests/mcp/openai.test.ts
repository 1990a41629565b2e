import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiSelector } from "../../src/mcp/openai";

/** A local stand-in for OpenAI's chat completions endpoint: answers with the queued replies. */
describe("model-based MCP selection against a local fake OpenAI endpoint", () => {
  let server: Server;
  let baseUrl: string;
  const replies: { status: number; content: string }[] = [];
  const received: { auth: string | undefined; body: any }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = "";
      req.on("data", (chunk) => (raw += chunk));
      req.on("end", () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
        const reply = replies.shift() ?? { status: 500, content: "" };
        res.writeHead(reply.status, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ choices: [{ message: { role: "assistant", content: reply.content } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const catalogue = { gmail: "Gmail", "jira-api-mcp-wrapper": "Jira issues" };

  it("sends the catalogue, context and request; keeps only known names from a fenced answer", async () => {
    replies.push({
      status: 200,
      content: '```json\n{"selectedMcps": ["jira-api-mcp-wrapper", "made-up"], "reasoning": "Jira work"}\n```',
    });
    const select = createOpenAiSelector({ apiKey: "sk-test", baseUrl });
    const answer = await select("Close the sprint tickets", "user: earlier message", catalogue);
    expect(answer).toEqual({ selectedMcps: ["jira-api-mcp-wrapper"], reasoning: "Jira work" });
    const request = received.at(-1)!;
    expect(request.auth).toBe("Bearer sk-test");
    expect(request.body).toMatchObject({ model: "gpt-3.5-turbo", temperature: 0.3, max_tokens: 500 });
    const prompt = request.body.messages[1].content as string;
    expect(prompt).toContain("- jira-api-mcp-wrapper: Jira issues");
    expect(prompt).toContain("[Current Request]: Close the sprint tickets");
    expect(prompt).toContain("user: earlier message");
  });

  it("returns null (keyword fallback) on an error status or an unreadable answer", async () => {
    const select = createOpenAiSelector({ apiKey: "sk-test", baseUrl });
    replies.push({ status: 429, content: "" });
    expect(await select("x", "", catalogue)).toBeNull();
    replies.push({ status: 200, content: "I would pick gmail" });
    expect(await select("x", "", catalogue)).toBeNull();
    const unreachable = createOpenAiSelector({ apiKey: "k", baseUrl: "http://127.0.0.1:9/v1" });
    expect(await unreachable("x", "", catalogue)).toBeNull();
  });
});
