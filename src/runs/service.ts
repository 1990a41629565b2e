import type { AgentAdapter, AgentName } from "../agents/adapter";
import type { RunEvent, RunEventBody } from "../agents/events";
import type { Config } from "../config";
import type { Slots } from "../exec/slots";
import type { Executor, ProcessHandle } from "../exec/types";
import { HttpError } from "../http/errors";
import type { Logger } from "../log";
import type { McpLease, RunMcp } from "../mcp/types";
import type { RunEventLog } from "./event-log";
import { createLineSplitter } from "./lines";
import { decideOutcome } from "./outcome";
import type { RunStore } from "./store";
import type { NewRun, RunFinish, RunRecord } from "./types";

/** Called once per run when it settles (conversation recording, callbacks). Errors are logged, never thrown. */
export interface RunHooks {
  /**
   * Readies the workspace once the run has its slot, before the agent starts (branch checkout,
   * workspace trust). Throwing fails the run with reason `workspace` and the error's message.
   * `note` adds a status event to the run's log.
   */
  prepare?(run: RunRecord, note: (detail: string) => void): Promise<void>;
  onStart?(run: RunRecord): Promise<void> | void;
  onFinish?(run: RunRecord): Promise<void> | void;
}

export interface RunServiceDeps {
  config: Config;
  log: Logger;
  store: RunStore;
  events: RunEventLog;
  slots: Slots;
  executor: Executor;
  agent: (name: AgentName) => AgentAdapter;
  /** Environment handed to agents, before scrubbing the runner's own secrets. */
  baseEnv: Record<string, string | undefined>;
  /** Identifies this process as the owner of the runs it executes. */
  instanceId: string;
  hooks?: RunHooks;
  /** Per-run MCP configuration for cursor runs (Node only; absent elsewhere). */
  mcp?: RunMcp;
  /**
   * Told about every run's `done`, so a runtime that ends work when the response is sent (Workers)
   * can keep it alive; the Node server needs nothing (absent).
   */
  background?: (work: Promise<unknown>) => void;
}

export type StartRun = Omit<NewRun, "id">;

/** Per-start overrides that need not survive a restart (a restarted run is failed, not resumed). */
export interface StartOptions {
  /** Wall-clock limit instead of CURSOR_CLI_TIMEOUT (iterate: per-attempt and budget limits). */
  hardTimeoutMs?: number;
  /** Executable instead of the adapter's own (REVIEW_AGENT_CLI_PATH). */
  command?: string;
}

/** The body of a run without a process (an iterate request): it drives child runs and returns the outcome. */
export type Orchestration = (
  run: RunRecord,
  context: { signal: AbortSignal; note: (detail: string) => void },
) => Promise<RunFinish>;

export interface StartedRun {
  run: RunRecord;
  /** Settles with the finished run; never rejects. */
  done: Promise<RunRecord>;
}

interface LiveRun {
  controller: AbortController;
  /** Aborts the run and stops its process, from the run's own context (see `relay`). First message wins. */
  stop: (message: string) => void;
  /** Set when the runner itself is stopping: the run is reported as interrupted, not cancelled. */
  shuttingDown?: boolean;
  handle?: ProcessHandle;
  /** The run's MCP file, released when the run ends. */
  mcp?: McpLease;
  done: Promise<RunRecord>;
}

/**
 * A trigger for `action` that runs it as the reaction of a promise made now. On Workers a run's
 * abort signal and sidecar streams belong to the request that started it and may not be touched
 * from another one (a cancel request); a promise reaction runs in the context that registered it,
 * so the action runs in the run's own. On Node it is merely a microtask later.
 */
function relay<T>(action: (value: T) => void): (value: T) => void {
  let trigger!: (value: T) => void;
  void new Promise<T>((resolve) => {
    trigger = resolve;
  }).then(action);
  return (value) => trigger(value);
}

/** A live run made in the current (the run's own) context, so `stop` is relayed back into it. */
function liveEntry(run: RunRecord): LiveRun {
  const controller = new AbortController();
  const entry: LiveRun = {
    controller,
    stop: relay((message: string) => {
      controller.abort();
      entry.handle?.stop("cancelled", message);
    }),
    done: Promise.resolve(run),
  };
  return entry;
}

/** The runner's own secrets never reach an agent's environment. */
export const RUNNER_SECRETS = [
  "RUNNER_API_TOKENS",
  "WEBHOOK_SECRET",
  "DATABASE_AUTH_TOKEN",
  "UPSTASH_REDIS_REST_TOKEN",
  "SIDECAR_TOKEN",
];

/**
 * Runs agents: writes the run row, waits for a slot (FIFO), spawns the CLI in its own process
 * group, turns its stdout into events, and settles the run exactly once. Nothing important lives
 * only in memory: a crashed instance's runs are failed by the next heartbeat sweep.
 *
 * @example
 * const runs = createRunService(deps);
 * const { run, done } = await runs.start({ requestId, agent: "cursor", mode: "sync", cwd, prompt });
 * const finished = await done;
 */
export function createRunService(deps: RunServiceDeps) {
  const { config, log, store, events, slots, executor } = deps;
  const live = new Map<string, LiveRun>();

  const agentEnv = (adapter: AgentAdapter) => {
    const env: Record<string, string | undefined> = { ...deps.baseEnv };
    for (const key of RUNNER_SECRETS) delete env[key];
    return { ...env, ...adapter.env?.() };
  };

  const callHook = async (name: "onStart" | "onFinish", run: RunRecord) => {
    try {
      await deps.hooks?.[name]?.(run);
    } catch (error) {
      log.error({ err: error, runId: run.id, hook: name }, "Run hook failed");
    }
  };

  /** Records the final state, closes the event log and tells the hooks. */
  const settle = async (run: RunRecord, finished: RunRecord | null): Promise<RunRecord> => {
    const final = finished ?? (await store.get(run.id)) ?? run;
    if (finished) {
      events.append(run.id, { type: "status", status: final.status, ...(final.error ? { detail: final.error } : {}) });
    }
    await events.close(run.id);
    if (finished) await callHook("onFinish", final);
    return final;
  };

  const execute = async (run: RunRecord, controller: AbortController, options: StartOptions): Promise<RunRecord> => {
    if (deps.hooks?.prepare) {
      events.append(run.id, { type: "status", status: "preparing" });
      try {
        await deps.hooks.prepare(run, (detail) => events.append(run.id, { type: "status", status: "preparing", detail }));
      } catch (error) {
        const failure = { status: "failed" as const, reason: "workspace", exitCode: null, output: null, stderr: null };
        return settle(run, await store.finish(run.id, { ...failure, error: (error as Error).message }, events.count(run.id)));
      }
    }
    const adapter = deps.agent(run.agent);
    // Only cursor-agent reads `.cursor/mcp.json`; the file is per workspace, never a shared global one (§12 item 13).
    let mcp: McpLease | undefined;
    if (deps.mcp && adapter.name === "cursor") {
      try {
        mcp = await deps.mcp.acquire(run);
      } catch (error) {
        const failure = { status: "failed" as const, reason: "workspace", exitCode: null, output: null, stderr: null };
        return settle(run, await store.finish(run.id, { ...failure, error: (error as Error).message }, events.count(run.id)));
      }
      const lease = live.get(run.id);
      if (lease) lease.mcp = mcp;
      if (run.mcpServers == null) await store.setMcpServers(run.id, mcp.servers);
    }
    const resumeSessionId = run.conversationId ? await store.latestSession(run.conversationId, run.agent) : null;
    const args = adapter.args({
      prompt: run.prompt,
      ...(resumeSessionId ? { resumeSessionId } : {}),
      ...(run.model ? { model: run.model } : {}),
      ...(mcp?.servers.length ? { approveMcps: true } : {}),
      // A reviewer judges the workspace; it must not change it.
      ...(run.mode === "review" ? { readOnly: true } : {}),
    });
    const handle = executor.run({
      command: options.command ?? adapter.command,
      args,
      cwd: run.cwd,
      env: { ...agentEnv(adapter), CURSOR_RUNNER_RUN_ID: run.id },
      hardTimeoutMs: options.hardTimeoutMs ?? config.cursor.timeoutMs,
      idleTimeoutMs: config.cursor.idleTimeoutMs,
      maxOutputBytes: config.cursor.maxOutputBytes,
      killGraceMs: config.runs.killGraceMs,
      signal: controller.signal,
    });
    const entry = live.get(run.id);
    if (entry) entry.handle = handle;

    const parser = adapter.parser();
    let resultEvent: Extract<RunEventBody, { type: "result" }> | undefined;
    const assistantText: string[] = [];
    let lingerTimer: ReturnType<typeof setTimeout> | undefined;

    const onEvent = (body: RunEventBody) => {
      const event = events.append(run.id, body);
      if (body.type === "session") void store.setSession(run.id, body.sessionId).catch(() => {});
      if (body.type === "message" && body.role === "assistant") assistantText.push(body.text);
      if (body.type === "result") {
        resultEvent = body;
        if (body.sessionId) void store.setSession(run.id, body.sessionId).catch(() => {});
        // cursor-agent sometimes never exits after its result: give it a moment, then end it.
        lingerTimer = setTimeout(() => handle.stop("exited"), config.runs.lingerMs);
      }
      return event;
    };
    const stdoutLines = createLineSplitter((line) => {
      for (const body of parser.push(line)) onEvent(body);
    });
    const stderrLines = createLineSplitter((line) => {
      if (line.trim()) onEvent({ type: "stderr", text: line });
    });
    handle.onOutput((chunk) => (chunk.stream === "stdout" ? stdoutLines : stderrLines).push(chunk.text));

    // A sidecar's pid is only known once it has answered.
    const pid = (await handle.started) ?? handle.pid ?? null;
    const running = await store.markRunning(run.id, { command: args, pid });
    if (!running) handle.stop("cancelled", "Run was settled elsewhere before it started");
    else {
      events.append(run.id, { type: "status", status: "running" });
      await callHook("onStart", running);
    }

    const result = await handle.result;
    clearTimeout(lingerTimer);
    stdoutLines.end();
    stderrLines.end();

    const interrupted = live.get(run.id)?.shuttingDown;
    const decided = decideOutcome({
      result,
      resultEvent,
      assistantText,
      setupError: adapter.setupError(result.stderr),
      // CURSOR_OUTPUT_FORMAT is cursor's alone: every other adapter always parses JSON lines.
      textMode: adapter.name === "cursor" && config.cursor.outputFormat === "text",
    });
    const outcome = interrupted
      ? { ...decided, status: "failed" as const, reason: "interrupted", error: "interrupted by shutdown" }
      : decided;
    return settle(run, await store.finish(run.id, outcome, events.count(run.id)));
  };

  const service = {
    /**
     * Creates the run and queues it for a slot. Throws 429 at once when the waiting queue is full.
     */
    async start(input: StartRun, options: StartOptions = {}): Promise<StartedRun> {
      const status = slots.status();
      if (status.available === 0 && status.waiting >= status.maxQueue) {
        throw new HttpError(429, `Execution queue is full (${status.maxQueue} runs waiting); retry later`, {
          headers: { "Retry-After": "5" },
        });
      }
      const run = await store.create({ ...input, id: crypto.randomUUID() }, deps.instanceId);
      events.open(run.id);
      events.append(run.id, { type: "status", status: "queued" });
      const entry = liveEntry(run);
      const { controller } = entry;
      live.set(run.id, entry); // before slots.run: p-queue may start the task synchronously
      entry.done = slots
        .run(() => execute(run, controller, options), { signal: controller.signal })
        .catch(async (error: unknown) => {
          // Never started: cancelled (or shut down) while waiting, or an internal failure.
          const aborted = controller.signal.aborted;
          if (!aborted) log.error({ err: error, runId: run.id }, "Run failed before completion");
          const finish = entry.shuttingDown
            ? { status: "failed" as const, reason: "interrupted", error: "interrupted by shutdown" }
            : aborted
              ? { status: "cancelled" as const, reason: "cancelled", error: "Run cancelled before it started" }
              : { status: "failed" as const, reason: "internal", error: (error as Error).message };
          const finished = await store.finish(
            run.id,
            { ...finish, exitCode: null, output: null, stderr: null },
            events.count(run.id),
          );
          return settle(run, finished);
        })
        .finally(async () => {
          await entry.mcp?.release().catch((error) => log.warn({ err: error, runId: run.id }, "Could not remove the MCP file"));
          live.delete(run.id);
        });
      const done = entry.done;
      deps.background?.(done);
      return { run, done };
    },

    /**
     * Starts a run without a process of its own (an iterate request): no slot, but it is live here
     * (heart-beaten, cancellable, failed as interrupted on shutdown or by the crash sweep) while
     * `body` drives its child runs. `body`'s outcome settles it, through the same hooks as any run.
     *
     * @example
     * const { done } = await runs.orchestrate({ ...input, mode: "iterate" }, async (run, { signal }) => outcome);
     */
    async orchestrate(input: StartRun, body: Orchestration): Promise<StartedRun> {
      const run = await store.create({ ...input, id: crypto.randomUUID() }, deps.instanceId);
      events.open(run.id);
      events.append(run.id, { type: "status", status: "queued" });
      const entry = liveEntry(run);
      const { signal } = entry.controller;
      live.set(run.id, entry);
      const note = (detail: string) => events.append(run.id, { type: "status", status: "running", detail });
      entry.done = (async () => {
        const running = await store.markRunning(run.id, { command: [], pid: null });
        if (!running) return settle(run, null);
        events.append(run.id, { type: "status", status: "running" });
        await callHook("onStart", running);
        let outcome: RunFinish;
        try {
          outcome = await body(running, { signal, note });
        } catch (error) {
          log.error({ err: error, runId: run.id }, "Orchestrated run failed");
          const message = (error as Error).message;
          outcome = { status: "failed", reason: "internal", exitCode: null, output: null, stderr: null, error: message };
        }
        if (entry.shuttingDown)
          outcome = { ...outcome, status: "failed", reason: "interrupted", error: "interrupted by shutdown" };
        return settle(run, await store.finish(run.id, outcome, events.count(run.id)));
      })().finally(() => live.delete(run.id));
      deps.background?.(entry.done);
      return { run, done: entry.done };
    },

    get: (id: string) => store.get(id),

    /** Cancels a queued or running run. Returns the settled run. */
    async cancel(id: string): Promise<RunRecord> {
      const entry = live.get(id);
      if (entry) {
        entry.stop("Run cancelled by request");
        return entry.done;
      }
      const run = await store.get(id);
      if (!run) throw new HttpError(404, "Run not found");
      // Owned by another (or a dead) instance: settle it here; the owner's own settle then no-ops.
      const finished = await store.finish(
        id,
        {
          status: "cancelled",
          reason: "cancelled",
          exitCode: null,
          output: null,
          stderr: null,
          error: "Run cancelled by request",
        },
        run.eventCount,
      );
      if (!finished) throw new HttpError(409, `Run already finished (${run.status})`);
      await callHook("onFinish", finished);
      return finished;
    },

    /** Live events of a run on this instance (undefined when not live here). */
    subscribe: events.subscribe,
    readEvents: events.read,

    /** Fails runs whose owner stopped heart-beating (a crash), then tells the hooks. */
    async recoverStale(message = "interrupted by restart"): Promise<RunRecord[]> {
      const stale = await store.failStale(new Date(Date.now() - config.runs.staleAfterMs), message);
      for (const run of stale) {
        log.warn({ runId: run.id, requestId: run.requestId }, "Run failed: its runner stopped (interrupted by restart)");
        // The dead runner's agent may still be running in its own process group: end it.
        if (executor.reapOrphan) {
          const reaped = await executor.reapOrphan(run.id, run.pid ?? undefined).catch(() => false);
          if (reaped) log.warn({ runId: run.id, pid: run.pid }, "Ended the agent processes of an interrupted run");
        }
        await callHook("onFinish", run);
      }
      // A runner that died after settling a run but before enqueueing its callback: enqueue it here.
      // Only runs settled longer than the stale period ago qualify, so a live settler has long enqueued.
      for (const run of await store.missingCallbacks(new Date(Date.now() - config.runs.staleAfterMs))) {
        log.warn({ runId: run.id, requestId: run.requestId }, "Queued the callback of a run whose runner stopped");
        await callHook("onFinish", run);
      }
      return stale;
    },

    /** Marks this instance's live runs as still owned (Workers call it while they have runs in flight). */
    heartbeat: async () => {
      // A run cancelled through another instance is only marked in the database: stop it here.
      for (const id of await store.heartbeat([...live.keys()])) {
        log.info({ runId: id }, "Run was settled by another instance; stopping it");
        live.get(id)?.stop("Run cancelled by request");
      }
    },

    /** Heart-beats this instance's runs and sweeps stale ones until stopped. */
    startMaintenance(): () => void {
      const timer = setInterval(() => {
        void service
          .heartbeat()
          .then(() => service.recoverStale())
          .catch((error) => log.error({ err: error }, "Run maintenance failed"));
      }, config.runs.heartbeatMs);
      timer.unref?.();
      return () => clearInterval(timer);
    },

    /** Cancels every live run (used on shutdown) and waits for them to settle. */
    async stopAll(): Promise<void> {
      const pending = [...live.values()].map((entry) => {
        entry.shuttingDown = true;
        entry.stop("interrupted by shutdown");
        return entry.done;
      });
      await Promise.allSettled(pending);
    },

    liveCount: () => live.size,
  };
  return service;
}

export type RunService = ReturnType<typeof createRunService>;
export type { RunEvent };
