import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonRequest, makeTestContext, type TestContext } from "../../support/deps";
import { FAKE_AGENT } from "../../support/server-process";

describe("GET /runs — recent runs, newest first", () => {
  let ctx: TestContext;
  const ids: string[] = [];
  const list = async (query = "") => {
    const res = await ctx.app.request(`/runs${query}`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    ctx = await makeTestContext({ CURSOR_CLI_PATH: FAKE_AGENT });
    mkdirSync(join(ctx.dir, "repositories"), { recursive: true });
    // Three runs, one at a time so their order is certain: succeeded, failed, succeeded with a long prompt.
    for (const prompt of ["SAY first", "SAY second\nEXIT 2", `SAY third\n${"x".repeat(800)}`]) {
      const res = await ctx.app.request(
        "/cursor/execute",
        jsonRequest("POST", { prompt, callbackUrl: "http://127.0.0.1:9/x?secret=hush" }),
      );
      ids.push(((await res.json()) as { runId: string }).runId);
    }
  });
  afterAll(() => ctx.cleanup());

  it("lists them newest first with a pagination block, as summaries without output, stderr or secrets", async () => {
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(body.success).toBe(true);
    expect(body.runs.map((run: { id: string }) => run.id)).toEqual([...ids].reverse());
    expect(body.pagination).toEqual({ total: 3, limit: 20, offset: 0, hasMore: false });
    const [third, second] = body.runs;
    expect(second).toMatchObject({ status: "failed", exitCode: 2, agent: "cursor", eventsUrl: `/runs/${ids[1]}/events` });
    for (const run of body.runs) {
      expect(run).not.toHaveProperty("output");
      expect(run).not.toHaveProperty("stderr");
      expect(run).not.toHaveProperty("callbackSecret");
      expect(JSON.stringify(run)).not.toContain("hush");
    }
    // The prompt is cut to its first 500 characters; GET /runs/:id has it whole.
    expect(third.prompt).toHaveLength(500);
    const whole = (await (await ctx.app.request(`/runs/${ids[2]}`)).json()) as { prompt: string; output: string };
    expect(whole.prompt.length).toBeGreaterThan(800);
    expect(whole.output).toContain("third");
  });

  it("pages with limit and offset", async () => {
    const first = await list("?limit=2");
    expect(first.body.runs.map((run: { id: string }) => run.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.pagination).toEqual({ total: 3, limit: 2, offset: 0, hasMore: true });
    const next = await list("?limit=2&offset=2");
    expect(next.body.runs.map((run: { id: string }) => run.id)).toEqual([ids[0]]);
    expect(next.body.pagination).toEqual({ total: 3, limit: 2, offset: 2, hasMore: false });
    expect((await list("?offset=10")).body).toMatchObject({ runs: [], pagination: { total: 3, hasMore: false } });
  });

  it("filters by status and by agent", async () => {
    const failed = await list("?status=failed");
    expect(failed.body.runs.map((run: { id: string }) => run.id)).toEqual([ids[1]]);
    expect(failed.body.pagination.total).toBe(1);
    expect((await list("?status=succeeded&agent=cursor")).body.pagination.total).toBe(2);
    expect((await list("?agent=claude")).body).toMatchObject({ runs: [], pagination: { total: 0 } });
  });

  it.each([
    ["?limit=0", "limit must be an integer from 1 to 100"],
    ["?limit=101", "limit must be an integer from 1 to 100"],
    ["?limit=ten", "limit must be an integer from 1 to 100"],
    ["?offset=-1", "offset must be a non-negative integer"],
    ["?status=done", "status must be one of: queued, running, succeeded, failed, cancelled, timed_out"],
    ["?agent=gpt", "agent must be one of: cursor, claude, codex, gemini, opencode"],
  ])("answers 400 naming the field for %s", async (query, message) => {
    const { status, body } = await list(query);
    expect(status).toBe(400);
    expect(body).toMatchObject({ success: false, error: message });
  });
});
