import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { connect, refusal } from "../realtime/client";
import { useFakeAgentServer } from "../support/limit-checks";
import { postJson, readPidFile, waitFor } from "../support/server-process";
import { readSse } from "../support/sse";

const TOKEN = "tok-tasks";
const auth = { Authorization: `Bearer ${TOKEN}` };

describe("the task engine through the real server", () => {
  const ctx = useFakeAgentServer("runner-tasks-", {
    RUNNER_API_TOKENS: TOKEN,
    RUN_LINGER_MS: "300",
    TASK_POLL_MS: "100",
    TASK_EVENTS_POLL_MS: "50",
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctx.server.url}${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const create = async (description: string, extra: Record<string, unknown> = {}) => {
    const res = await postJson(`${ctx.server.url}/tasks`, { description, repository: "demo", ...extra }, auth);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  /** Waits for the status (RUNNING: once its run is known). */
  const until = (id: string, status: string) =>
    waitFor(async () => {
      const task = (await call("GET", `/tasks/${id}`)).body;
      return task.status === status && (status !== "RUNNING" || task.runId) && task;
    });

  it("needs the token on every task route", async () => {
    expect((await fetch(`${ctx.server.url}/tasks`)).status).toBe(401);
    expect((await fetch(`${ctx.server.url}/tasks/models`)).status).toBe(401);
    expect((await fetch(`${ctx.server.url}/processor/status`)).status).toBe(401);
    expect((await refusal(`${ctx.server.url.replace("http", "ws")}/tasks/ws`)).status).toBe(401);
  });

  it("lists the agents found as models, and answers the processor's status", async () => {
    const models = (await call("GET", "/tasks/models")).body;
    expect(models).toContainEqual({ provider: "cursor", name: "default", title: "Cursor Agent (default model)", kind: "agent" });
    const status = (await call("GET", "/processor/status")).body;
    expect(status).toMatchObject({ enabled: true, maxConcurrent: 5, running: [] });
  });

  it("streams a task's life over SSE: snapshot, updates and messages as they happen, then end", async () => {
    const task = await create("SAY step one\nSLEEP 300\nSAY step two");
    const events = await readSse(`${ctx.server.url}/tasks/${task.id}/events`, auth);
    expect(events[0]).toMatchObject({ event: "snapshot" });
    const kinds = events.map((e) => e.event);
    expect(kinds).toContain("task_updated");
    expect(kinds).toContain("new_message");
    expect(kinds.at(-1)).toBe("end");
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ id: task.id, status: "COMPLETED" });
    const texts = events
      .filter((e) => e.event === "new_message")
      .flatMap((e) => JSON.parse(e.data).message.content)
      .filter((block: any) => block.type === "text")
      .map((block: any) => block.text);
    expect(texts).toEqual(expect.arrayContaining(["step one", "step two"]));
    // Event ids are positions in the change log: a client resumes after the last one it saw.
    const ids = events.filter((e) => e.id).map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const resumed = await readSse(`${ctx.server.url}/tasks/${task.id}/events`, { ...auth, "Last-Event-ID": String(ids[1]) });
    expect(resumed[0]?.event).not.toBe("snapshot");
    expect(Number(resumed[0]?.id)).toBe(ids[2]);
  });

  it("pushes task frames over the WebSocket: one task's, and every task's for a list", async () => {
    const base = ctx.server.url.replace("http", "ws");
    const all = await connect(`${base}/tasks/ws?token=${TOKEN}`);
    await all.next((f) => f.type === "tasks.subscribed");
    const task = await create("SAY over the socket\nSLEEP 200");
    const one = await connect(`${base}/tasks/ws?taskId=${task.id}`, { headers: auth });
    try {
      expect((await one.next((f) => f.type === "task.snapshot")).task.id).toBe(task.id);
      const done = await one.next((f) => f.type === "task.updated" && f.task.status === "COMPLETED", "completed frame");
      expect(done.task.result.output).toBe("over the socket");
      expect(one.frames.some((f) => f.type === "task.message" && f.message.role === "ASSISTANT")).toBe(true);
      expect((await all.next((f) => f.type === "task.created")).taskId).toBe(task.id);
      await all.next((f) => f.type === "task.updated" && f.task.status === "COMPLETED");
      expect((await refusal(`${base}/tasks/ws?taskId=nope`, { headers: auth })).status).toBe(400);
    } finally {
      await one.close();
      await all.close();
    }
  });

  it("cancel and delete of running tasks end their process groups", async () => {
    const pidFile = join(ctx.repo, "grandchild.pid");
    for (const how of ["cancel", "delete"] as const) {
      const task = await create("GRANDCHILD\nSLEEP 60000");
      const grandchild = await readPidFile(pidFile);
      const running = await until(task.id, "RUNNING");
      const run = await waitFor(async () => {
        const current = (await call("GET", `/runs/${running.runId}`)).body;
        return current.pid && current;
      });
      if (how === "cancel") expect((await call("POST", `/tasks/${task.id}/cancel`)).body.status).toBe("CANCELLED");
      else expect((await call("DELETE", `/tasks/${task.id}`)).status).toBe(204);
      await waitFor(() => !isProcessAlive(run.pid) && !isProcessAlive(grandchild), { what: `${how}: processes gone` });
      expect((await call("GET", `/runs/${run.id}`)).body.status).toBe("cancelled");
      rmSync(pidFile, { force: true });
    }
  });

  it("takeover → message → resume continues the session", async () => {
    const task = await create("SAY started\nSLEEP 60000");
    const running = await until(task.id, "RUNNING");
    const first = await waitFor(async () => {
      const run = (await call("GET", `/runs/${running.runId}`)).body;
      return run.sessionId && run;
    });
    expect((await call("POST", `/tasks/${task.id}/takeover`)).body.control).toBe("USER");
    await call("POST", `/tasks/${task.id}/messages`, { message: "SAY finished after the takeover" });
    await call("POST", `/tasks/${task.id}/resume`);
    const done = await until(task.id, "COMPLETED");
    expect(done.result.output).toBe("finished after the takeover");
    expect((await call("GET", `/runs/${done.runId}`)).body.command).toEqual(
      expect.arrayContaining(["--resume", first.sessionId]),
    );
  });
});
