import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Task } from "../../../src/db/tasks";
import { jsonRequest, makeTestContext, type TestContext } from "../../support/deps";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let ctx: TestContext;

beforeEach(async () => {
  ctx = await makeTestContext();
});
afterEach(() => ctx.cleanup());

async function create(body: unknown): Promise<Task> {
  const res = await ctx.app.request("/api/tasks", jsonRequest("POST", body));
  expect(res.status).toBe(201);
  return (await res.json()) as Task;
}

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(await res.json()).toMatchObject({ success: false, error });
}

describe("GET /api/tasks", () => {
  it("answers an empty array on a fresh database", async () => {
    const res = await ctx.app.request("/api/tasks");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it("orders by order ascending, then id ascending", async () => {
    const a = await create({ prompt: "a", order: 2 });
    const b = await create({ prompt: "b", order: 1 });
    const c = await create({ prompt: "c", order: 1 });
    const d = await create({ prompt: "d", order: 0 });
    const e = await create({ prompt: "e", order: -5 });
    const res = await ctx.app.request("/api/tasks");
    const tasks = (await res.json()) as Task[];
    expect(tasks.map((t) => t.id)).toEqual([e.id, d.id, b.id, c.id, a.id]);
  });

  it("filters by ?status and keeps the ordering", async () => {
    const ready = await create({ prompt: "ready", status: 0 });
    const archivedLate = await create({ prompt: "archived late", status: 2, order: 9 });
    const archivedEarly = await create({ prompt: "archived early", status: 2, order: 3 });
    await create({ prompt: "complete", status: 1 });

    const archived = (await (await ctx.app.request("/api/tasks?status=2")).json()) as Task[];
    expect(archived.map((t) => t.id)).toEqual([archivedEarly.id, archivedLate.id]);
    expect(archived.every((t) => t.status === 2 && t.status_label === "archived")).toBe(true);

    const readyOnly = (await (await ctx.app.request("/api/tasks?status=0")).json()) as Task[];
    expect(readyOnly.map((t) => t.id)).toEqual([ready.id]);

    const none = await ctx.app.request("/api/tasks?status=4");
    expect(await none.json()).toEqual([]);
  });

  it('reads ?status leniently like parseInt ("2abc" → 2)', async () => {
    const archived = await create({ prompt: "archived", status: 2 });
    await create({ prompt: "ready", status: 0 });
    const res = await ctx.app.request("/api/tasks?status=2abc");
    expect(res.status).toBe(200);
    expect(((await res.json()) as Task[]).map((t) => t.id)).toEqual([archived.id]);
  });

  it('rejects a ?status that is not a number ("x")', async () => {
    await expectError(await ctx.app.request("/api/tasks?status=x"), 400, "Invalid status parameter. Must be a number.");
  });
});

describe("GET /api/tasks/:id", () => {
  it("returns the task", async () => {
    const task = await create({ prompt: "look me up", order: 4, status: 3 });
    const res = await ctx.app.request(`/api/tasks/${task.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(task);
  });

  it('reads the id leniently ("<id>abc")', async () => {
    const task = await create({ prompt: "lenient" });
    const res = await ctx.app.request(`/api/tasks/${task.id}abc`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Task).id).toBe(task.id);
  });

  it("400s on an id that is not a number", async () => {
    await expectError(await ctx.app.request("/api/tasks/abc"), 400, "Invalid task ID. Must be a number.");
  });

  it("404s on a missing task", async () => {
    await expectError(await ctx.app.request("/api/tasks/999999"), 404, "Task not found");
  });
});

describe("POST /api/tasks", () => {
  it("creates a task: 201, trimmed prompt, uuid, label, ISO timestamps, defaults 0", async () => {
    const before = Date.now();
    const res = await ctx.app.request("/api/tasks", jsonRequest("POST", { prompt: "  fix the build \n" }));
    expect(res.status).toBe(201);
    const task = (await res.json()) as Task;
    expect(task).toMatchObject({ prompt: "fix the build", status: 0, status_label: "ready", order: 0 });
    expect(Number.isInteger(task.id)).toBe(true);
    expect(task.uuid).toMatch(UUID);
    expect(task.createdat).toMatch(ISO);
    expect(task.updatedat).toBe(task.createdat);
    expect(Date.parse(task.createdat)).toBeGreaterThanOrEqual(before - 1000);
    expect(Object.keys(task).sort()).toEqual(
      ["createdat", "id", "order", "prompt", "status", "status_label", "updatedat", "uuid"].sort(),
    );

    // It was stored as answered.
    expect(await (await ctx.app.request(`/api/tasks/${task.id}`)).json()).toEqual(task);
  });

  it("stores order and status and labels every status", async () => {
    const labels = ["ready", "complete", "archived", "backlogged", "in_progress"];
    for (const [status, label] of labels.entries()) {
      const task = await create({ prompt: `s${status}`, status, order: 7 });
      expect(task).toMatchObject({ status, status_label: label, order: 7 });
    }
  });

  it("treats null order/status as the defaults", async () => {
    const task = await create({ prompt: "nulls", order: null, status: null });
    expect(task).toMatchObject({ order: 0, status: 0 });
  });

  it("gives each task its own uuid", async () => {
    const a = await create({ prompt: "a" });
    const b = await create({ prompt: "b" });
    expect(a.uuid).not.toBe(b.uuid);
  });

  it.each([
    ["missing", {}],
    ["blank", { prompt: "   " }],
    ["empty", { prompt: "" }],
    ["a number", { prompt: 42 }],
    ["null", { prompt: null }],
    ["an array", { prompt: ["a"] }],
  ])("400s when prompt is %s", async (_what, body) => {
    await expectError(
      await ctx.app.request("/api/tasks", jsonRequest("POST", body)),
      400,
      "Prompt is required and must be a non-empty string",
    );
  });

  it("400s with the prompt message on an empty body", async () => {
    await expectError(
      await ctx.app.request("/api/tasks", jsonRequest("POST")),
      400,
      "Prompt is required and must be a non-empty string",
    );
  });

  it.each([
    [{ status: "1" }, "Status must be a number"],
    [{ status: 5 }, /^Status must be an integer from 0 to 4/],
    [{ status: -1 }, /^Status must be an integer from 0 to 4/],
    [{ status: 1.5 }, /^Status must be an integer from 0 to 4/],
    [{ order: "first" }, "Order must be a number"],
    [{ order: 1.5 }, "Order must be an integer"],
  ])("400s on %j naming the field", async (fields, message) => {
    const res = await ctx.app.request("/api/tasks", jsonRequest("POST", { prompt: "ok", ...fields }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { success: boolean; error: string };
    expect(body.success).toBe(false);
    if (typeof message === "string") expect(body.error).toBe(message);
    else expect(body.error).toMatch(message);
    // Nothing was stored.
    expect(await (await ctx.app.request("/api/tasks")).json()).toEqual([]);
  });
});

describe("PUT /api/tasks/:id", () => {
  it("updates the given fields and bumps updatedat", async () => {
    const task = await create({ prompt: "old", order: 1, status: 0 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await ctx.app.request(`/api/tasks/${task.id}`, jsonRequest("PUT", { prompt: "  new  ", status: 4, order: 3 }));
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Task;
    expect(updated).toMatchObject({
      id: task.id,
      prompt: "new",
      status: 4,
      status_label: "in_progress",
      order: 3,
      uuid: task.uuid,
      createdat: task.createdat,
    });
    expect(updated.updatedat).toMatch(ISO);
    expect(updated.updatedat > task.updatedat).toBe(true);
    expect(await (await ctx.app.request(`/api/tasks/${task.id}`)).json()).toEqual(updated);
  });

  it("changes only the field given", async () => {
    const task = await create({ prompt: "keep", order: 5, status: 3 });
    const updated = (await (await ctx.app.request(`/api/tasks/${task.id}`, jsonRequest("PUT", { status: 1 }))).json()) as Task;
    expect(updated).toMatchObject({ prompt: "keep", order: 5, status: 1, status_label: "complete" });
  });

  it.each([
    ["{}", jsonRequest("PUT", {})],
    ["no body", jsonRequest("PUT")],
    ["no body, no content type", { method: "PUT" }],
  ])("returns the task unchanged with the same updatedat on %s", async (_what, init) => {
    const task = await create({ prompt: "unchanged", order: 2, status: 3 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await ctx.app.request(`/api/tasks/${task.id}`, init);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(task);
  });

  it.each([
    [{ prompt: "" }, "Prompt must be a non-empty string"],
    [{ prompt: "   " }, "Prompt must be a non-empty string"],
    [{ prompt: 7 }, "Prompt must be a non-empty string"],
    [{ status: "2" }, "Status must be a number"],
    [{ status: null }, "Status must be a number"],
    [{ status: 9 }, /^Status must be an integer from 0 to 4/],
    [{ order: "3" }, "Order must be a number"],
    [{ order: 0.5 }, "Order must be an integer"],
  ])("400s on %j and leaves the task alone", async (fields, message) => {
    const task = await create({ prompt: "guarded", order: 1, status: 0 });
    const res = await ctx.app.request(`/api/tasks/${task.id}`, jsonRequest("PUT", fields));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { success: boolean; error: string };
    expect(body.success).toBe(false);
    if (typeof message === "string") expect(body.error).toBe(message);
    else expect(body.error).toMatch(message);
    expect(await (await ctx.app.request(`/api/tasks/${task.id}`)).json()).toEqual(task);
  });

  it("400s on a bad id", async () => {
    await expectError(
      await ctx.app.request("/api/tasks/nope", jsonRequest("PUT", { prompt: "x" })),
      400,
      "Invalid task ID. Must be a number.",
    );
  });

  it("404s on a missing task, with and without changes", async () => {
    await expectError(await ctx.app.request("/api/tasks/4242", jsonRequest("PUT", { prompt: "x" })), 404, "Task not found");
    await expectError(await ctx.app.request("/api/tasks/4242", jsonRequest("PUT", {})), 404, "Task not found");
  });
});

describe("DELETE /api/tasks/:id", () => {
  it("deletes the task, then 404s", async () => {
    const task = await create({ prompt: "doomed" });
    const other = await create({ prompt: "survivor" });
    const res = await ctx.app.request(`/api/tasks/${task.id}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, message: "Task deleted" });

    await expectError(await ctx.app.request(`/api/tasks/${task.id}`), 404, "Task not found");
    await expectError(await ctx.app.request(`/api/tasks/${task.id}`, { method: "DELETE" }), 404, "Task not found");
    expect(((await (await ctx.app.request("/api/tasks")).json()) as Task[]).map((t) => t.id)).toEqual([other.id]);
  });

  it("400s on a bad id", async () => {
    await expectError(await ctx.app.request("/api/tasks/x", { method: "DELETE" }), 400, "Invalid task ID. Must be a number.");
  });
});
