import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summaryPrompt } from "../../src/runs/summarize";
import { FAKE_AGENT, postJson, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";

describe("context-window summarisation (§5.4) with the fake cursor agent", () => {
  let dir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-summarize-"));
    mkdirSync(join(dir, "repos", "demo"), { recursive: true });
    server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      // One slot: the summary must wait for the run that triggered it to give its slot back.
      CURSOR_CLI_MAX_CONCURRENT: "1",
      RUN_LINGER_MS: "300",
      LOG_LEVEL: "info",
    });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const conversation = async (id: string) => (await (await fetch(`${server.url}/api/${id}`)).json()) as Record<string, any>;
  const send = async (id: string, message: string) => {
    const res = await postJson(`${server.url}/api/${id}/message`, { message, repository: "demo" });
    expect(res.status).toBe(200);
    return res.body.runId as string;
  };

  it("runs the agent on the summarisation prompt and stores its answer as the conversation's summary", async () => {
    const { conversationId: id } = (await postJson(`${server.url}/api/new`, {})).body;
    await send(id, "SAY first answer");
    await waitFor(async () => (await conversation(id)).messages.length === 2);
    // The agent answers with the overflow error; the summary run (given this transcript as its
    // prompt) acts on the second line of this message, which is not prefixed by "user: ".
    await send(id, "SAY Error: context window too large for this model\nSAY Summary: the user asked twice");

    const summarized = await waitFor(async () => {
      const c = await conversation(id);
      return c.summarizedMessages ? c : undefined;
    });
    expect(summarized.summarizedMessages[0]).toEqual({
      role: "assistant",
      content: "[Conversation Summary] Summary: the user asked twice",
      timestamp: expect.any(String),
    });
    // The summary, then the last three messages it covered; the transcript itself is untouched.
    expect(summarized.summarizedMessages.slice(1).map((m: any) => m.content)).toEqual(
      summarized.messages.slice(-3).map((m: any) => m.content),
    );
    expect(summarized.messages).toHaveLength(4);
    expect(server.output()).toContain("Conversation summarized");

    // Later turns join the summarised context too.
    await send(id, "SAY after the summary");
    const later = await waitFor(async () => {
      const c = await conversation(id);
      return c.messages.length === 6 ? c : undefined;
    });
    expect(later.summarizedMessages.at(-1).content).toBe("after the summary");
  });

  it("swallows a failed summary: logged, nothing stored, the service carries on", async () => {
    const { conversationId: id } = (await postJson(`${server.url}/api/new`, {})).body;
    // The summary run reads "EXIT 3" from the transcript and fails without an answer.
    const runId = await send(id, "SAY maximum context length reached\nEXIT 3");
    await waitFor(() => server.output().includes("Conversation summarization failed"), { what: "the failed-summary log line" });
    expect(server.output()).toContain("Agent exited with code 3");
    const run = (await (await fetch(`${server.url}/runs/${runId}`)).json()) as Record<string, any>;
    expect(run).toMatchObject({ status: "failed", exitCode: 3 });
    const c = await conversation(id);
    expect(c.summarizedMessages).toBeUndefined();
    expect(c.messages).toHaveLength(2);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it("builds the §5.4 prompt from the context string, review-agent traffic dropped", () => {
    const prompt = summaryPrompt([
      { role: "user", content: "hello", timestamp: "" },
      { role: "assistant", content: "[Review Agent Response] skip me", timestamp: "" },
      { role: "assistant", content: "hi", timestamp: "" },
    ]);
    expect(prompt).toContain("roughly one third");
    expect(prompt.endsWith("user: hello\n\ncursor: hi")).toBe(true);
  });
});
