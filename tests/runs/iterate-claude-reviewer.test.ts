import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLAUDE_READ_ONLY_TOOLS } from "../../src/agents/claude";
import { cliBin, getRun, useAgentRunner } from "../e2e-agents/harness";
import { type AnthropicResponder, startAnthropicServer } from "../support/anthropic-server";
import { FAKE_AGENT, postJson } from "../support/server-process";

/** The task of the case whose reviewer answers in prose. */
const PROSE_TASK = "SAY attempted\nThis attempt is judged in prose.";
const PROSE_REPLY = "The agent seems to have tried. I would ship it, but I cannot say more.";

const FIRST_VERDICT = {
  code_complete: false,
  break_iteration: false,
  justification: "done.txt is missing: only the first pass ran",
  continuationPrompt: "WRITE done.txt <<second pass>>",
};
const SECOND_VERDICT = { code_complete: true, break_iteration: false, justification: "done.txt holds the second pass" };

/**
 * Claude Code as the review agent: the scripted model reads the runner's review prompt and answers
 * with text only — a verdict per review number, or prose for the prose case.
 */
const reviewer: AnthropicResponder = (request) => {
  const sent = JSON.stringify(request.messages);
  if (sent.includes("judged in prose")) return [{ text: PROSE_REPLY }];
  // As Claude tends to: a sentence, then the JSON in a fenced block.
  if (sent.includes("This is review 1 of"))
    return [{ text: `I reviewed the attempt.\n\n\`\`\`json\n${JSON.stringify(FIRST_VERDICT, null, 2)}\n\`\`\`` }];
  if (sent.includes("This is review 2 of")) return [{ text: JSON.stringify(SECOND_VERDICT) }];
  return [{ text: "Not a review request." }];
};

describe("POST /cursor/iterate with the real Claude Code CLI (2.1.197) as the review agent", () => {
  const ctx = useAgentRunner("iterate-claude", async () => {
    const model = await startAnthropicServer(reviewer);
    return {
      model,
      env: {
        // The worker is the fake cursor agent; the reviewer is Claude Code against the scripted model.
        CURSOR_CLI_PATH: FAKE_AGENT,
        CLAUDE_CLI_PATH: cliBin("claude"),
        ANTHROPIC_BASE_URL: model.url,
        ANTHROPIC_API_KEY: "sk-ant-scripted",
        REVIEW_AGENT: "claude",
      },
    };
  });
  const iterate = (body: Record<string, unknown>) =>
    postJson(`${ctx.runner.url}/cursor/iterate`, { repository: "demo", agent: "cursor", ...body });

  it("continues on Claude's first verdict, then completes on its second", async () => {
    const { runner, ws, model } = ctx;
    const res = await iterate({ prompt: "SAY first pass" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      reason: "completed",
      iterations: 2,
      reviewJustification: SECOND_VERDICT.justification,
    });
    // The second attempt ran Claude's continuation prompt.
    expect(readFileSync(join(ws.repo, "done.txt"), "utf8")).toBe("second pass");

    const parent = await getRun(runner.url, res.body.runId);
    expect(parent.iterate).toMatchObject({ reviewAgent: "claude" });
    expect(parent.iterations.map((i: any) => [i.outcome, i.verdict])).toEqual([
      ["continue", { ...FIRST_VERDICT, parsed: true }],
      ["completed", { ...SECOND_VERDICT, parsed: true }],
    ]);
    expect(parent.iterations[1].prompt).toContain("WRITE done.txt <<second pass>>");

    const sessions: string[] = [];
    for (const iteration of parent.iterations) {
      expect(await getRun(runner.url, iteration.workerRunId)).toMatchObject({ agent: "cursor", mode: "iteration" });
      const review = await getRun(runner.url, iteration.reviewRunId);
      expect(review).toMatchObject({ agent: "claude", mode: "review", status: "succeeded", parentRunId: parent.id });
      expect(review.command.slice(0, 2)).toEqual(["-p", "--output-format"]);
      // The reviewer may read the workspace, never change it.
      expect(review.command[review.command.indexOf("--allowedTools") + 1]).toBe(CLAUDE_READ_ONLY_TOOLS.join(","));
      expect(review.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      sessions.push(review.sessionId);
    }
    // Each review is a fresh Claude session, never a resumed one.
    expect(new Set(sessions).size).toBe(2);
    // Claude was sent the runner's review prompt: the task, the default definition of done, the JSON shape.
    const reviews = model.requests.map((request) => JSON.stringify(request.messages));
    expect(reviews.filter((sent) => sent.includes("You are a review agent"))).toHaveLength(2);
    expect(reviews[0]).toContain("SAY first pass");
    expect(reviews[0]).toContain("The code/files were created or modified as required");
  });

  it("breaks with review_unparseable when Claude answers in prose: its text is the justification (422)", async () => {
    const res = await iterate({ prompt: PROSE_TASK, reviewAgent: "claude" });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      success: false,
      reason: "review_unparseable",
      error: PROSE_REPLY,
      iterations: 1,
      reviewJustification: PROSE_REPLY,
      originalOutput: "attempted",
    });
    const [only] = res.body.iterationDetails;
    expect(only.verdict).toEqual({ code_complete: false, break_iteration: true, justification: PROSE_REPLY, parsed: false });
    const review = await getRun(ctx.runner.url, only.reviewRunId);
    expect(review).toMatchObject({ agent: "claude", mode: "review", status: "succeeded", output: PROSE_REPLY });
  });
});
