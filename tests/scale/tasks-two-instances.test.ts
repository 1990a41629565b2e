import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Cluster, countBy, errorLines, logLines, useCluster } from "../support/cluster";
import { postJson, type ServerProcess, waitFor } from "../support/server-process";

/**
 * The task engine scaled out: two real server processes on one sqld claim tasks from the shared
 * table. Every task runs exactly once; when one instance is SIGKILLed mid-run the other recovers
 * its tasks (ending their orphaned agents first), so none is lost and none completes twice.
 */

type Task = Record<string, any>;
const startCluster = useCluster();

const createTasks = (c: Cluster, n: number, prompt: (n: number) => string) =>
  Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const server = c.servers[i % c.servers.length] as ServerProcess;
      const res = await postJson(`${server.url}/tasks`, { description: prompt(i), repository: "demo" });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return { n: i, id: String(res.body.id) };
    }),
  );

/** Every task, read straight from the shared database. */
const allTasks = async (c: Cluster): Promise<Task[]> =>
  (await c.db.execute("SELECT id, status, attempts, interruptions, run_id, error FROM agent_tasks")).rows as unknown as Task[];

const waitAllCompleted = async (c: Cluster, n: number, timeoutMs: number) => {
  let seen = "none yet";
  try {
    return await waitFor(
      async () => {
        const tasks = await allTasks(c);
        const failed = tasks.find((t) => t.status === "FAILED" || t.status === "CANCELLED");
        if (failed) throw new Error(`task ${failed.id} ${failed.status}: ${failed.error}`);
        seen = JSON.stringify(Object.fromEntries(countBy(tasks, (t) => String(t.status))));
        return tasks.length === n && tasks.every((t) => t.status === "COMPLETED") && tasks;
      },
      { timeoutMs, intervalMs: 200, what: `all ${n} tasks completed` },
    );
  } catch (error) {
    // Say where it stood, so a stall shows which state the tasks were stuck in.
    throw new Error(`${(error as Error).message}; tasks by status: ${seen}`);
  }
};

/** The runs of tasks (mode 'task'), with who ran them and when. */
const taskRuns = async (c: Cluster) =>
  (
    await c.db.execute(
      "SELECT id, request_id, owner, status, error, created_at, started_at, finished_at FROM runs WHERE mode = 'task'",
    )
  ).rows as unknown as Record<string, any>[];

describe("the task engine on two instances sharing one sqld", () => {
  it("100 tasks: each is executed exactly once, by one of the two", async () => {
    const started = Date.now();
    const c = await startCluster("runner-tasks-scale-", {
      RUN_HEARTBEAT_MS: "200",
      RUN_STALE_AFTER_MS: "10000",
      TASK_POLL_MS: "50",
      TASK_EVENTS_POLL_MS: "50",
    });
    const N = 100;
    const sent = await createTasks(c, N, (n) => `RUN echo ${n} >> ran.log\nSAY done ${n}`);
    const tasks = await waitAllCompleted(c, N, 300_000);

    const ran = logLines(join(c.repo, "ran.log"));
    expect(ran).toHaveLength(N);
    expect([...countBy(ran, (line) => line).entries()].filter(([, count]) => count !== 1)).toEqual([]);
    for (const task of tasks) expect(Number(task.attempts), `task ${task.id}`).toBe(1);
    const runs = await taskRuns(c);
    expect(runs).toHaveLength(N);
    expect(new Set(runs.map((r) => r.id))).toEqual(new Set(tasks.map((t) => String(t.run_id))));
    // Both instances claimed work.
    const owners = countBy(runs, (r) => String(r.owner));
    expect(owners.size).toBe(2);
    for (const server of c.servers) expect(errorLines(server.output())).toEqual([]);
    expect(sent).toHaveLength(N);
    console.info(
      `tasks scale-out: ${N} tasks over two instances (${[...owners.values()].join(" + ")}) in ${Date.now() - started} ms`,
    );
  }, 360_000);

  it("one instance SIGKILLed mid-run: the other recovers its tasks; none lost, none completed twice", async () => {
    const started = Date.now();
    const c = await startCluster("runner-tasks-kill-", {
      CURSOR_CLI_MAX_CONCURRENT: "3",
      RUN_HEARTBEAT_MS: "200",
      RUN_STALE_AFTER_MS: "3000",
      RUN_KILL_GRACE_MS: "200",
      TASK_POLL_MS: "50",
      TASK_EVENTS_POLL_MS: "50",
    });
    const [victim, survivor] = c.servers as [ServerProcess, ServerProcess];
    const N = 24;
    // Long enough that the victim is mid-work when killed, and that its orphaned agents are ended
    // (the survivor notices within a few heartbeats) long before they could finish.
    const sent = await createTasks(
      c,
      N,
      (n) => `RUN echo ${n} >> started.log\nSLEEP 2500\nRUN echo ${n} >> finished.log\nSAY done ${n}`,
    );

    // Kill once both instances run tasks.
    const victimStatus = await waitFor(async () => {
      const status = (await (await fetch(`${victim.url}/processor/status`)).json()) as Record<string, any>;
      const other = (await (await fetch(`${survivor.url}/processor/status`)).json()) as Record<string, any>;
      return status.running.length > 0 && other.running.length > 0 && status;
    });
    victim.child.kill("SIGKILL");
    await victim.exited;

    const tasks = await waitAllCompleted(c, N, 300_000);
    // The tasks the victim held were interrupted once and retried; nothing else was.
    const interrupted = new Set(tasks.filter((t) => Number(t.interruptions) > 0).map((t) => String(t.id)));
    expect(interrupted.size).toBeGreaterThan(0);
    for (const task of tasks) {
      const expected = interrupted.has(String(task.id)) ? { interruptions: 1, attempts: 2 } : { interruptions: 0, attempts: 1 };
      expect({ interruptions: Number(task.interruptions), attempts: Number(task.attempts) }, `task ${task.id}`).toEqual(expected);
    }
    // Every run the victim had going was failed as interrupted, and belongs to an interrupted task.
    const runs = await taskRuns(c);
    const victimRuns = runs.filter((r) => r.owner === victimStatus.instanceId && r.status !== "succeeded");
    expect(victimRuns.length).toBeGreaterThan(0);
    for (const run of victimRuns) {
      expect(run).toMatchObject({ status: "failed", error: "interrupted by restart" });
      expect(interrupted.has(String(run.request_id).slice(5, 41))).toBe(true);
    }

    // Completed exactly once each: the interrupted attempts never reached their end.
    const finished = logLines(join(c.repo, "finished.log"));
    expect(finished).toHaveLength(N);
    expect([...countBy(finished, (line) => line).entries()].filter(([, count]) => count !== 1)).toEqual([]);
    const begun = countBy(logLines(join(c.repo, "started.log")), (line) => line);
    for (const s of sent) {
      // An interrupted task began once more, unless the victim died before its agent got going.
      const starts = begun.get(String(s.n));
      if (interrupted.has(s.id)) expect([1, 2]).toContain(starts);
      else expect(starts, `task ${s.n} starts`).toBe(1);
    }

    // No two runs of one task overlapped: the retry started after the interrupted run was settled.
    for (const id of interrupted) {
      const mine = runs
        .filter((r) => String(r.request_id).startsWith(`task-${id}-`))
        .sort((a, b) => a.created_at.localeCompare(b.created_at));
      expect(mine.at(-1)?.status).toBe("succeeded");
      if (mine.length === 2) {
        expect(mine[0]).toMatchObject({ status: "failed", error: "interrupted by restart" });
        expect(mine[1]?.started_at >= mine[0]?.finished_at).toBe(true);
      }
    }
    expect(errorLines(survivor.output())).toEqual([]);
    console.info(
      `tasks scale-out kill: ${interrupted.size} of the victim's tasks recovered; ${N} completed once each in ${Date.now() - started} ms`,
    );
  }, 360_000);
});
