import { describe, expect, it } from "vitest";
import { startReceiver } from "../support/receiver";
import { useEngine, waitFor } from "./harness";

describe("the processor's queue", () => {
  const engine = useEngine({ TASK_MAX_CONCURRENT: "1" });

  it("claims URGENT before LOW and first-come-first-served within a level; resumed work before both", async () => {
    const ctx = await engine();
    await ctx.call("PUT", "/api/settings/task_operator", { value: 0 });
    const made: Record<string, string> = {};
    for (const [name, priority] of [
      ["low", "LOW"],
      ["urgent-1", "URGENT"],
      ["medium", "MEDIUM"],
      ["urgent-2", "URGENT"],
      ["high", "HIGH"],
    ] as const) {
      made[name] = (await ctx.create({ description: `SAY ${name}`, priority })).id;
    }
    // A task taken over and resumed before processing starts counts as resumed work: it goes first.
    const resumed = (await ctx.create({ description: "SAY resumed", priority: "LOW" })).id;
    await ctx.call("POST", `/tasks/${resumed}/takeover`);
    await ctx.call("POST", `/tasks/${resumed}/resume`);

    await ctx.call("PUT", "/api/settings/task_operator", { value: 1 });
    const ids = [resumed, ...Object.values(made)];
    const done = await waitFor(async () => {
      const tasks = await Promise.all(ids.map((id) => ctx.task(id)));
      return tasks.every((t) => t.status === "COMPLETED") && tasks;
    });
    const order = [...done].sort((a, b) => a.executedAt.localeCompare(b.executedAt)).map((t) => t.result.output);
    expect(order).toEqual(["resumed", "urgent-1", "urgent-2", "high", "medium", "low"]);
  });

  it("holds a SCHEDULED task until its time (Bytebot started it at once, §1.3), then runs it", async () => {
    const ctx = await engine();
    const at = new Date(Date.now() + 1500);
    const task = await ctx.create({ description: "SAY on time", scheduledFor: at.toISOString() });
    expect(task).toMatchObject({ type: "SCHEDULED", status: "PENDING", queuedAt: null, scheduledFor: at.toISOString() });
    // An immediate task created after it runs first: the scheduled one is not ready.
    const now = await ctx.create({ description: "SAY meanwhile" });
    const meanwhile = await ctx.until(now.id, "COMPLETED");
    const done = await ctx.until(task.id, "COMPLETED");
    // Never started before its time, whatever the processor was doing.
    expect(Date.parse(done.executedAt)).toBeGreaterThanOrEqual(at.getTime());
    expect(done.executedAt > meanwhile.executedAt).toBe(true);
    expect(done.attempts).toBe(1);
    expect(done.queuedAt).toBe(at.toISOString());
  });

  it("POST /tasks/:id/process starts a scheduled task now, even with the operator off", async () => {
    const ctx = await engine();
    await ctx.call("PUT", "/api/settings/task_operator", { value: 0 });
    const task = await ctx.create({ description: "SAY early", scheduledFor: new Date(Date.now() + 3_600_000).toISOString() });
    const status = await ctx.call("GET", "/processor/status");
    expect(status.body).toMatchObject({ enabled: false, running: [], maxConcurrent: 1 });
    const started = await ctx.call("POST", `/tasks/${task.id}/process`);
    expect(started).toMatchObject({ status: 202, body: { status: "RUNNING" } });
    expect((await ctx.until(task.id, "COMPLETED")).result.output).toBe("early");
    const twice = await ctx.call("POST", `/tasks/${task.id}/process`);
    expect(twice).toMatchObject({ status: 409, body: { error: `Task ${task.id} cannot be processed now: it is completed` } });
  });

  it("a message on a COMPLETED task sends it back to work, continuing the session", async () => {
    const ctx = await engine();
    const task = await ctx.create({ description: "SAY first answer" });
    const first = await ctx.until(task.id, "COMPLETED");
    const reopened = await ctx.call("POST", `/tasks/${task.id}/messages`, { message: "SAY second answer" });
    expect(reopened).toMatchObject({ status: 201, body: { status: "RUNNING" } });
    const second = await ctx.until(task.id, "COMPLETED", (t) => t.runId !== first.runId);
    expect(second.result.output).toBe("second answer");
    expect((await ctx.run(second.runId)).command).toEqual(expect.arrayContaining(["--resume", first.sessionId]));
  });

  it("calls back once per outcome with the task, signed, through the outbox", async () => {
    const receiver = await startReceiver([200]);
    try {
      const ctx = await engine();
      const ok = await ctx.create({ description: "SAY called back", callbackUrl: `${receiver.url}/hook?secret=cb-task` });
      expect(ok.callbackUrl).toBe(`${receiver.url}/hook`);
      await ctx.until(ok.id, "COMPLETED");
      const stuck = await ctx.create({ description: "ERROR_RESULT no idea", callbackUrl: `${receiver.url}/hook` });
      await ctx.until(stuck.id, "NEEDS_HELP");
      await ctx.deps.callbacks.deliverDue();
      await waitFor(async () => {
        await ctx.deps.callbacks.deliverDue();
        return receiver.accepted().length >= 2;
      });
      const bodies = receiver.accepted().map((r) => JSON.parse(r.rawBody));
      expect(bodies).toContainEqual(expect.objectContaining({ success: true, taskId: ok.id, status: "COMPLETED" }));
      expect(bodies).toContainEqual(
        expect.objectContaining({ success: false, taskId: stuck.id, status: "NEEDS_HELP", error: "no idea" }),
      );
      const okDelivery = receiver.accepted().find((r) => JSON.parse(r.rawBody).taskId === ok.id);
      expect(okDelivery?.headers["x-webhook-secret"]).toBe("cb-task");
      expect(JSON.parse(okDelivery?.rawBody ?? "{}").task.callbackSecret).toBeUndefined();
      expect(receiver.accepted()).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });
});
