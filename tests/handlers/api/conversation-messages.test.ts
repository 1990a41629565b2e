import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useFakeAgentServer } from "../../support/limit-checks";
import { postJson, waitFor } from "../../support/server-process";

describe("POST /api/:conversationId/message through the real server", () => {
  const ctx = useFakeAgentServer("runner-conv-msg-", { RUN_LINGER_MS: "300" });

  const get = async (path: string) => (await (await fetch(`${ctx.server.url}${path}`)).json()) as Record<string, any>;
  const finished = (runId: string) =>
    waitFor(
      async () => {
        const run = await get(`/runs/${runId}`);
        return run.finishedAt ? run : undefined;
      },
      { what: `run ${runId} to finish` },
    );

  it("answers at once with a runId; the run writes the file and the conversation holds both sides", async () => {
    const { body: created } = await postJson(`${ctx.server.url}/conversations/api/new`, {});
    const id = created.conversationId as string;
    const res = await postJson(`${ctx.server.url}/api/${id}/message`, {
      message: "SAY I wrote it\nWRITE notes/from-ui.txt <<written from the UI>>",
      repository: "demo",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate, proxy-revalidate");
    expect(res.body).toEqual({
      success: true,
      message: "Message accepted, processing asynchronously",
      requestId: expect.stringMatching(/^ui-\d{13}-[0-9a-z]{9}$/),
      conversationId: id,
      runId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      eventsUrl: `/runs/${res.body.runId}/events`,
      timestamp: expect.any(String),
    });

    const run = await finished(res.body.runId);
    expect(run).toMatchObject({
      status: "succeeded",
      mode: "conversation",
      queueType: "api",
      conversationId: id,
      requestId: res.body.requestId,
      repository: "demo",
    });
    expect(run.command).not.toContain("--resume");
    expect(readFileSync(join(ctx.repo, "notes", "from-ui.txt"), "utf8")).toBe("written from the UI");

    const conversation = await waitFor(async () => {
      const c = await get(`/api/${id}`);
      return c.messages?.length === 2 ? c : undefined;
    });
    expect(conversation.messages).toEqual([
      { role: "user", content: "SAY I wrote it\nWRITE notes/from-ui.txt <<written from the UI>>", timestamp: expect.any(String) },
      { role: "assistant", content: "I wrote it", timestamp: expect.any(String) },
    ]);

    // The second turn resumes the agent's session from the first.
    const second = await postJson(`${ctx.server.url}/conversations/api/${id}/message`, {
      message: "SAY again",
      repository: "demo",
    });
    expect(second.status).toBe(200);
    const secondRun = await finished(second.body.runId);
    expect(secondRun.status).toBe("succeeded");
    const resumeAt = secondRun.command.indexOf("--resume");
    expect(resumeAt).toBeGreaterThan(-1);
    expect(secondRun.command[resumeAt + 1]).toBe(run.sessionId);
    expect(secondRun.sessionId).toBe(run.sessionId);
    const after = await waitFor(async () => {
      const c = await get(`/api/${id}`);
      return c.messages?.length === 4 ? c : undefined;
    });
    expect(after.messages.slice(2).map((m: any) => [m.role, m.content])).toEqual([
      ["user", "SAY again"],
      ["assistant", "again"],
    ]);
  });

  it("answers 404 for an unknown repository before starting anything", async () => {
    const { body: created } = await postJson(`${ctx.server.url}/api/new`, {});
    const res = await postJson(`${ctx.server.url}/api/${created.conversationId}/message`, {
      message: "SAY x",
      repository: "nope",
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe(
      "Repository not found locally: nope. Please ensure the repository exists in the repositories directory.",
    );
  });
});
