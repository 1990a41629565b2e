import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { readPidFile } from "../support/server-process";
import { type EngineContext, useEngine, waitFor } from "./harness";

const engine = useEngine();

/** A task whose agent starts a grandchild and then works for a minute. */
async function longTask(ctx: EngineContext) {
  const task = await ctx.create({ description: "GRANDCHILD\nSAY working\nSLEEP 60000" });
  const running = await ctx.until(task.id, "RUNNING", (t) => t.runId !== null);
  const grandchild = await readPidFile(join(ctx.repo, "grandchild.pid"));
  const run = await waitFor(async () => {
    const current = await ctx.run(running.runId);
    return current.status === "running" && current.pid && current;
  });
  return { task, run, grandchild };
}

describe("task lifecycle through app.request()", () => {
  it("runs a task to COMPLETED with the agent's answer, its messages and the run that did it", async () => {
    const ctx = await engine();
    const created = await ctx.create({ description: "SAY all done\nWRITE made.txt <<made by a task>>", priority: "HIGH" });
    expect(created).toMatchObject({
      status: "PENDING",
      control: "ASSISTANT",
      type: "IMMEDIATE",
      priority: "HIGH",
      createdBy: "USER",
      kind: "agent",
      agent: "cursor",
      repository: "demo",
      eventsUrl: `/tasks/${created.id}/events`,
    });
    expect(created.queuedAt).toBe(created.createdAt);
    expect(created.callbackSecret).toBeUndefined();

    const done = await ctx.until(created.id, "COMPLETED");
    expect(done).toMatchObject({ control: "ASSISTANT", attempts: 1, error: null, result: { output: "all done", exitCode: 0 } });
    expect(done.executedAt >= done.createdAt).toBe(true);
    expect(done.completedAt >= done.executedAt).toBe(true);
    expect(readFileSync(join(ctx.repo, "made.txt"), "utf8")).toBe("made by a task");
    expect(await ctx.run(done.runId)).toMatchObject({ mode: "task", status: "succeeded", repository: "demo" });

    const messages = (await ctx.call("GET", `/tasks/${created.id}/messages?limit=100`)).body as any[];
    expect(messages[0]).toMatchObject({ role: "USER", content: [{ type: "text", text: created.description }] });
    const assistant = messages.filter((m) => m.role === "ASSISTANT").flatMap((m) => m.content);
    expect(assistant).toContainEqual({ type: "text", text: "all done" });
    expect(assistant.some((block: any) => block.type === "tool_use")).toBe(true);
    const results = messages.filter((m) => m.role === "USER" && m.content[0]?.type === "tool_result");
    expect(results.length).toBeGreaterThan(0);

    // The processed view relabels tool results as the assistant's and groups consecutive messages.
    const groups = (await ctx.call("GET", `/tasks/${created.id}/messages/processed?limit=100`)).body as any[];
    expect(groups[0]).toMatchObject({ role: "USER", take_over: false });
    expect(groups.slice(1).every((group) => group.role === "ASSISTANT")).toBe(true);
    expect((await ctx.call("GET", `/tasks/${created.id}/messages/raw?limit=100`)).body).toEqual(messages);
  });

  it("validates: bad enums and fields are 400 naming the field, unknown ids 404, malformed ids 400", async () => {
    const ctx = await engine();
    const bad = async (body: unknown, error: string | RegExp) => {
      const res = await ctx.call("POST", "/tasks", body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.success).toBe(false);
      if (typeof error === "string") expect(res.body.error).toContain(error);
      else expect(res.body.error).toMatch(error);
    };
    await bad({}, "description is required");
    await bad({ description: "   " }, "description is required");
    await bad({ description: "x", priority: "CRITICAL" }, "priority must be one of: LOW, MEDIUM, HIGH, URGENT");
    await bad({ description: "x", type: "LATER" }, "type must be one of: IMMEDIATE, SCHEDULED");
    await bad({ description: "x", kind: "robot" }, "kind must be one of: agent, desktop");
    await bad({ description: "x", agent: "hal" }, "agent must be one of");
    await bad({ description: "x", createdBy: "SYSTEM" }, "createdBy must be one of: USER, ASSISTANT");
    await bad({ description: "x", scheduledFor: "tomorrow" }, "scheduledFor must be an ISO 8601 date-time");
    await bad({ description: "x", type: "SCHEDULED" }, "scheduledFor is required for a SCHEDULED task");
    await bad({ description: "x", type: "IMMEDIATE", scheduledFor: "2030-01-01T00:00:00Z" }, "scheduledFor only applies");
    await bad({ description: "x", callbackUrl: "ftp://x" }, "callbackUrl must be an absolute http(s) URL");
    await bad({ description: "x", files: [{ name: "../evil.sh", base64: "aGk=" }] }, "files[0].name must be a plain file name");
    await bad({ description: "x", files: [{ name: "a.txt", base64: "not base64!" }] }, "files[0].base64 is not valid base64");
    await bad({ description: "x", repository: "../../etc" }, "Invalid repository name");
    expect((await ctx.call("POST", "/tasks", { description: "x", repository: "nope" })).status).toBe(404);

    const list = await ctx.call("GET", "/tasks?status=DONE");
    expect(list.status).toBe(400);
    expect(list.body.error).toContain("status must be one of");
    expect((await ctx.call("GET", "/tasks?statuses=PENDING,NOPE")).body.error).toContain('statuses: "NOPE" is not one of');
    expect((await ctx.call("GET", "/tasks?limit=0")).body.error).toContain("limit must be a positive integer");

    const missing = "00000000-0000-4000-8000-000000000000";
    const notFound = await ctx.call("GET", `/tasks/${missing}`);
    expect(notFound).toMatchObject({ status: 404, body: { success: false, error: `Task with ID ${missing} not found` } });
    for (const action of ["takeover", "resume", "cancel", "abort", "process"]) {
      expect((await ctx.call("POST", `/tasks/${missing}/${action}`)).status).toBe(404);
    }
    expect((await ctx.call("DELETE", `/tasks/${missing}`)).status).toBe(404);
    expect((await ctx.call("GET", `/tasks/${missing}/messages`)).status).toBe(404);
    expect((await ctx.call("GET", "/tasks/not-a-uuid")).body.error).toBe("Task id must be a UUID as returned by POST /tasks");
    expect((await ctx.call("POST", `/tasks/${missing}/messages`, {})).body.error).toBe("message is required");
  });

  it("applies §1.2's transitions and refuses the others with Bytebot's messages", async () => {
    const ctx = await engine();
    // Paused processing, so the task stays where the test puts it.
    await ctx.call("PUT", "/api/settings/task_operator", { value: 0 });
    const task = await ctx.create({ description: "SAY hello" });

    expect((await ctx.call("POST", `/tasks/${task.id}/resume`)).body.error).toBe(`Task ${task.id} is not under user control`);
    const taken = await ctx.call("POST", `/tasks/${task.id}/takeover`);
    expect(taken).toMatchObject({ status: 200, body: { control: "USER", status: "PENDING" } });
    expect((await ctx.call("POST", `/tasks/${task.id}/takeover`)).body.error).toBe(`Task ${task.id} is not under agent control`);
    const abort = await ctx.call("POST", `/tasks/${task.id}/abort`);
    expect(abort.status).toBe(409);
    const resumed = await ctx.call("POST", `/tasks/${task.id}/resume`);
    expect(resumed.body).toMatchObject({ control: "ASSISTANT", status: "RUNNING" });
    expect(resumed.body.resumedAt).toEqual(expect.any(String));

    const cancelled = await ctx.call("POST", `/tasks/${task.id}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: "CANCELLED" } });
    const again = await ctx.call("POST", `/tasks/${task.id}/cancel`);
    expect(again).toMatchObject({ status: 400, body: { error: `Task ${task.id} is already completed, failed, or cancelled` } });
    expect((await ctx.call("POST", `/tasks/${task.id}/takeover`)).status).toBe(400);
    expect((await ctx.call("POST", `/tasks/${task.id}/process`)).body.error).toBe(
      `Task ${task.id} cannot be processed now: it is cancelled`,
    );
    // A message on a cancelled task is kept, and nothing runs.
    expect((await ctx.call("POST", `/tasks/${task.id}/messages`, { message: "still there?" })).body.status).toBe("CANCELLED");

    const list = await ctx.call("GET", "/tasks?statuses=CANCELLED,FAILED&limit=5");
    expect(list.body).toMatchObject({ total: 1, totalPages: 1, tasks: [{ id: task.id }] });
    expect((await ctx.call("GET", "/tasks?status=PENDING")).body.total).toBe(0);
  });

  it("cancel of a running task ends its run and its whole process group", async () => {
    const ctx = await engine();
    const { task, run, grandchild } = await longTask(ctx);
    const cancelled = await ctx.call("POST", `/tasks/${task.id}/cancel`);
    expect(cancelled.body.status).toBe("CANCELLED");
    expect(await waitFor(async () => (await ctx.run(run.id)).status === "cancelled")).toBe(true);
    expect(isProcessAlive(run.pid)).toBe(false);
    expect(isProcessAlive(grandchild)).toBe(false);
    expect((await ctx.task(task.id)).status).toBe("CANCELLED");
  });

  it("delete of a running task stops its run first (process group gone), then removes it", async () => {
    const ctx = await engine();
    const { task, run, grandchild } = await longTask(ctx);
    expect((await ctx.call("DELETE", `/tasks/${task.id}`)).status).toBe(204);
    expect(isProcessAlive(run.pid)).toBe(false);
    expect(isProcessAlive(grandchild)).toBe(false);
    expect((await ctx.run(run.id)).status).toBe("cancelled");
    expect((await ctx.call("GET", `/tasks/${task.id}`)).status).toBe(404);
    // The processor is not wedged: the next task still runs.
    const next = await ctx.create({ description: "SAY after the delete" });
    expect((await ctx.until(next.id, "COMPLETED")).result.output).toBe("after the delete");
  });

  it("takeover → message → resume continues the same agent session with the user's message", async () => {
    const ctx = await engine();
    const { task, run } = await longTask(ctx);
    const first = await waitFor(async () => {
      const current = await ctx.run(run.id);
      return current.sessionId && current;
    });
    const taken = await ctx.call("POST", `/tasks/${task.id}/takeover`);
    expect(taken.body).toMatchObject({ control: "USER", status: "RUNNING" });
    expect(isProcessAlive(run.pid)).toBe(false);
    expect((await ctx.run(run.id)).status).toBe("cancelled");

    // While the user has control nothing runs, whatever they say.
    await ctx.call("POST", `/tasks/${task.id}/messages`, { message: "SAY carried on by the user's word" });
    expect((await ctx.task(task.id)).runId).toBe(run.id);

    const resumed = await ctx.call("POST", `/tasks/${task.id}/resume`);
    expect(resumed.body).toMatchObject({ control: "ASSISTANT", status: "RUNNING" });
    const done = await ctx.until(task.id, "COMPLETED");
    expect(done.runId).not.toBe(run.id);
    expect(done.result.output).toBe("carried on by the user's word");
    const second = await ctx.run(done.runId);
    // Same session: the second run resumed the first one's.
    expect(second.command).toEqual(expect.arrayContaining(["--resume", first.sessionId]));
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.prompt).toBe("SAY carried on by the user's word");
    expect(done.attempts).toBe(2);
  });

  it("an agent that reports an error asks for help; the user's message is delivered on resume", async () => {
    const ctx = await engine();
    const task = await ctx.create({ description: "ERROR_RESULT I cannot find the config file" });
    const stuck = await ctx.until(task.id, "NEEDS_HELP");
    expect(stuck).toMatchObject({ control: "USER", error: "I cannot find the config file" });
    await ctx.call("POST", `/tasks/${task.id}/messages`, { message: "SAY found it in /etc" });
    // Not delivered yet: the task waits for the user to hand back control.
    expect((await ctx.task(task.id)).status).toBe("NEEDS_HELP");
    await ctx.call("POST", `/tasks/${task.id}/resume`);
    const done = await ctx.until(task.id, "COMPLETED");
    expect(done.result.output).toBe("found it in /etc");
    const messages = (await ctx.call("GET", `/tasks/${task.id}/messages?limit=100`)).body as any[];
    const user = messages.filter((m) => m.role === "USER" && m.content[0]?.type === "text").map((m) => m.content[0].text);
    expect(user).toEqual([task.description, "SAY found it in /etc"]);
    expect(messages.every((m) => m.deliveredAt !== null)).toBe(true);
  });

  it("abort stops the current work and leaves the task waiting for the user, resumable", async () => {
    const ctx = await engine();
    const { task, run, grandchild } = await longTask(ctx);
    const aborted = await ctx.call("POST", `/tasks/${task.id}/abort`);
    expect(aborted.body).toMatchObject({ status: "NEEDS_HELP", control: "USER", error: "Aborted by request" });
    expect(isProcessAlive(run.pid)).toBe(false);
    expect(isProcessAlive(grandchild)).toBe(false);
    await ctx.call("POST", `/tasks/${task.id}/messages`, { message: "SAY ok, finish quickly" });
    await ctx.call("POST", `/tasks/${task.id}/resume`);
    expect((await ctx.until(task.id, "COMPLETED")).result.output).toBe("ok, finish quickly");
  });

  it("a kind without a driver fails with a clear error", async () => {
    const ctx = await engine();
    const task = await ctx.create({ description: "open the browser", kind: "desktop" });
    const failed = await ctx.until(task.id, "FAILED");
    expect(failed.error).toBe(
      "No driver runs desktop tasks on this instance: the desktop agent is not configured (set ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY or DESKTOP_AGENT_PROVIDERS)",
    );
  });
});
