import type { AgentAdapter, AgentName } from "../../agents/adapter";
import type { Config } from "../../config";
import { buildContextString } from "../../conversations/context";
import type { Logger } from "../../log";
import type { RunMcp } from "../../mcp/types";
import type { RepoServices } from "../../repos/types";
import type { RunService, StartedRun, StartRun } from "../service";
import type { RunRecord } from "../types";
import { resolveDefinitionOfDone, type TextFiles } from "./definition-of-done";
import { type LoopDeps, runIterateLoop } from "./loop";
import type { IterateBody } from "./request";
import { iterateResponse } from "./response";
import type { IterationStore } from "./store";
import type { IterateOptions } from "./types";

export interface IterateServiceDeps {
  config: Config;
  log: Logger;
  runs: RunService;
  iterations: IterationStore;
  conversations: LoopDeps["conversations"];
  repos: RepoServices;
  /** Validates agent names (400 for an unknown one). */
  agent: (name: AgentName) => AgentAdapter;
  mcp?: RunMcp | undefined;
  files?: TextFiles | undefined;
}

/**
 * Iterate mode: a parent run (mode `iterate`, no process) whose loop starts worker and review
 * child runs until the definition of done holds (see loop.ts).
 *
 * @example
 * const iterate = createIterateService({ config, log, runs, iterations, conversations, repos, agent });
 * const { run, done } = await iterate.start(await prepareRun(deps, body, "iterate"), body);
 * const { status, body: result } = await iterate.response(await done);
 */
export function createIterateService(deps: IterateServiceDeps) {
  const { config } = deps;
  const loopDeps: LoopDeps = {
    runs: deps.runs,
    iterations: deps.iterations,
    conversations: deps.conversations,
    terminal: deps.repos.terminal,
    mcp: deps.mcp,
    log: deps.log,
    limits: {
      iterateTimeoutMs: config.cursor.iterateTimeoutMs,
      diagnosticTimeoutMs: config.iterate.diagnosticTimeoutMs,
      terminalTimeoutMs: config.terminal.timeoutMs,
    },
    reviewCommand: config.iterate.reviewCliPath,
  };

  return {
    /** Resolves the options (400 on an unknown review agent), then starts the parent run. */
    async start(prepared: StartRun, body: IterateBody): Promise<StartedRun> {
      const reviewAgent = (body.reviewAgent ?? config.iterate.reviewAgent ?? prepared.agent) as AgentName;
      deps.agent(reviewAgent);
      const definition = await resolveDefinitionOfDone({
        explicit: body.definitionOfDone,
        prompt: prepared.prompt,
        cwd: prepared.cwd,
        roots: [config.paths.repositories],
        ...(deps.files ? { files: deps.files } : {}),
      });
      const options: IterateOptions = {
        maxIterations: body.maxIterations || config.iterate.maxIterations,
        maxDurationMs: body.maxDurationMs ?? config.iterate.maxDurationMs,
        ...(body.iterationTimeoutMs ? { iterationTimeoutMs: body.iterationTimeoutMs } : {}),
        reviewAgent,
        definitionOfDone: definition.text,
        definitionOfDoneSource: definition.source,
        ...(body.doneWhen ? { doneWhen: body.doneWhen } : {}),
        requirePush: body.requirePush ?? false,
      };
      // Read before the parent starts: its start records this prompt in the conversation.
      const context = prepared.conversationId
        ? buildContextString(await deps.conversations.getConversationContext(prepared.conversationId))
        : "";
      return deps.runs.orchestrate({ ...prepared, mode: "iterate" }, async (run, { signal, note }) => {
        await deps.iterations.saveOptions(run.id, options);
        return runIterateLoop(loopDeps, run, options, { signal, note, context });
      });
    },

    /** The options and attempts of an iterate run (GET /runs/:id). */
    async describe(runId: string) {
      const [options, iterations] = await Promise.all([deps.iterations.options(runId), deps.iterations.list(runId)]);
      return { options, iterations };
    },

    /** The HTTP answer for a settled iterate run. */
    async response(run: RunRecord) {
      const { options, iterations } = await this.describe(run.id);
      return iterateResponse(run, options, iterations);
    },
  };
}

export type IterateService = ReturnType<typeof createIterateService>;
