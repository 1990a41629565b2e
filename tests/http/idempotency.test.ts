import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { jsonRequest, makeTestContext, type TestContext } from "../support/deps";
import { FAKE_AGENT, waitFor } from "../support/server-process";

const TOKEN_A = "tok-a";
const TOKEN_B = "tok-b";

describe("Idempotency-Key on the routes that start work", () => {
  let ctx: TestContext;
  afterEach(async () => {
    await ctx?.deps.runs.stopAll();
    ctx?.cleanup();
  });
  const setup = async () => {
    ctx = await makeTestContext({ CURSOR_CLI_PATH: FAKE_AGENT, RUNNER_API_TOKENS: `${TOKEN_A},${TOKEN_B}`, LOG_LEVEL: "warn" });
    mkdirSync(join(ctx.dir, "repositories", "demo"), { recursive: true });
  };
  const post = async (path: string, body: unknown, key: string | undefined, token = TOKEN_A) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (key !== undefined) headers["Idempotency-Key"] = key;
    const res = await ctx.app.request(path, jsonRequest("POST", body, headers));
    return {
      status: res.status,
      replayed: res.headers.get("Idempotent-Replayed"),
      body: (await res.json()) as Record<string, any>,
    };
  };
  const countRuns = async () => Number((await ctx.deps.db.execute("SELECT COUNT(*) AS n FROM runs")).rows[0]?.n);

  it("a retried execute/async returns the first answer and starts no second run", async () => {
    await setup();
    const body = { prompt: "SAY once", repository: "demo" };
    const first = await post("/cursor/execute/async", body, "key-1");
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    const again = await post("/cursor/execute/async", body, "key-1");
    expect(again).toMatchObject({ status: 200, replayed: "true", body: first.body });
    expect(await countRuns()).toBe(1);
    // Without a key, or with another key, it is new work.
    await post("/cursor/execute/async", body, "key-2");
    await post("/cursor/execute/async", body, undefined);
    expect(await countRuns()).toBe(3);
  });

  it("the same key for a different body is 422; per caller, a key is its own", async () => {
    await setup();
    await post("/cursor/execute/async", { prompt: "SAY one", repository: "demo" }, "shared");
    const other = await post("/cursor/execute/async", { prompt: "SAY two", repository: "demo" }, "shared");
    expect(other).toMatchObject({ status: 422 });
    expect(other.body.error).toContain("Idempotency-Key was already used for a different request");
    const anotherCaller = await post("/cursor/execute/async", { prompt: "SAY two", repository: "demo" }, "shared", TOKEN_B);
    expect(anotherCaller.status).toBe(200);
    expect(await countRuns()).toBe(2);
    expect((await post("/cursor/execute/async", { prompt: "x" }, "bad key with spaces")).body.error).toBe(
      "Idempotency-Key must be 1 to 255 visible ASCII characters",
    );
  });

  it("a refused request frees its key; a task is created once", async () => {
    await setup();
    const refused = await post("/tasks", { description: "" }, "task-key");
    expect(refused.status).toBe(400);
    const created = await post("/tasks", { description: "SAY hi", repository: "demo" }, "task-key");
    expect(created.status).toBe(201);
    const retried = await post("/tasks", { description: "SAY hi", repository: "demo" }, "task-key");
    expect(retried).toMatchObject({ status: 201, replayed: "true", body: { id: created.body.id } });
    expect(Number((await ctx.deps.db.execute("SELECT COUNT(*) AS n FROM agent_tasks")).rows[0]?.n)).toBe(1);
  });

  it("a retry while the first synchronous execute still runs is 409; after it, the first answer", async () => {
    await setup();
    const body = { prompt: "SLEEP 800\nSAY slow", repository: "demo" };
    const first = post("/cursor/execute", body, "sync-key");
    await waitFor(async () => (await countRuns()) === 1);
    const during = await post("/cursor/execute", body, "sync-key");
    expect(during.status).toBe(409);
    expect(during.body.error).toContain("still being answered");
    const answer = await first;
    expect(answer.body).toMatchObject({ success: true, output: "slow" });
    expect(await post("/cursor/execute", body, "sync-key")).toMatchObject({ replayed: "true", body: answer.body });
    expect(await countRuns()).toBe(1);
  });
});
