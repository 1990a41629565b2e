import type { AgentAdapter, AgentName } from "../agents/adapter";
import type { RunEventBody } from "../agents/events";
import type { Config } from "../config";
import type { Executor } from "../exec/types";
import type { McpLease, RunMcp } from "../mcp/types";
import { agentEnv } from "./agent-env";
import type { RunEventLog } from "./event-log";
import { createLineSplitter } from "./lines";
import type { LiveRuns } from "./live";
import { decideOutcome } from "./outcome";
import type { Settler } from "./settle";
import type { RunStore } from "./store";
import type { RunFinish, RunHooks, RunRecord } from "./types";

/** Per-start overrides that need not survive a restart (a restarted run is failed, not resumed). */
export interface StartOptions {
  /** Wall-clock limit instead of CURSOR_CLI_TIMEOUT (iterate: per-attempt and budget limits). */
  hardTimeoutMs?: number;
  /** Executable instead of the adapter's own (REVIEW_AGENT_CLI_PATH). */
  command?: string;
  /** The agent session to continue (a task resumed after takeover); else the conversation's latest. */
  resumeSessionId?: string | null;
}

export interface AgentProcessDeps {
  config: Config;
  store: RunStore;
  events: RunEventLog;
  executor: Executor;
  agent: (name: AgentName) => AgentAdapter;
  baseEnv: Record<string, string | undefined>;
  hooks?: RunHooks;
  mcp?: RunMcp;
  live: LiveRuns;
  settler: Settler;
}

/**
 * How long an agent may linger after its result: RUN_LINGER_MS, but always shorter than the idle
 * limit (at most half of it), so a lingering agent is ended as finished, never timed out as idle.
 */
export function lingerGraceMs(config: Config): number {
  const idle = config.cursor.idleTimeoutMs;
  return idle > 0 ? Math.min(config.runs.lingerMs, Math.floor(idle / 2)) : config.runs.lingerMs;
}

const workspaceFailure = (error: unknown): RunFinish => ({
  status: "failed",
  reason: "workspace",
  exitCode: null,
  output: null,
  stderr: null,
  error: (error as Error).message,
});

/**
 * One run's agent process, once it has its slot: readies the workspace, selects MCP servers,
 * spawns the adapter's CLI, turns its stdout into events and settles the run with the outcome.
 */
export function createAgentProcess(deps: AgentProcessDeps) {
  const { config, store, events, executor, live, settler } = deps;

  return async function runAgent(run: RunRecord, controller: AbortController, options: StartOptions): Promise<RunRecord> {
    const fail = async (finish: RunFinish) => settler.settle(run, await store.finish(run.id, finish, events.count(run.id)));
    if (deps.hooks?.prepare) {
      events.append(run.id, { type: "status", status: "preparing" });
      try {
        await deps.hooks.prepare(run, (detail) => events.append(run.id, { type: "status", status: "preparing", detail }));
      } catch (error) {
        return fail(workspaceFailure(error));
      }
    }
    const adapter = deps.agent(run.agent);
    // Only cursor-agent reads `.cursor/mcp.json`; the file is per workspace, never a shared global one (§12 item 13).
    let mcp: McpLease | undefined;
    if (deps.mcp && adapter.name === "cursor") {
      try {
        mcp = await deps.mcp.acquire(run);
      } catch (error) {
        return fail(workspaceFailure(error));
      }
      const lease = live.get(run.id);
      if (lease) lease.mcp = mcp;
      if (run.mcpServers == null) await store.setMcpServers(run.id, mcp.servers);
    }
    const resumeSessionId =
      options.resumeSessionId ?? (run.conversationId ? await store.latestSession(run.conversationId, run.agent) : null);
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
      env: { ...agentEnv(deps.baseEnv, adapter), CURSOR_RUNNER_RUN_ID: run.id },
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
        // cursor-agent sometimes never exits after its result (cursor/cursor#3588): the result is
        // the answer; give the process a moment to exit by itself, then end its group.
        lingerTimer ??= setTimeout(() => handle.stop("ended_after_result"), lingerGraceMs(config));
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
      await settler.callHook("onStart", running);
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
    return settler.settle(run, await store.finish(run.id, outcome, events.count(run.id)));
  };
}
