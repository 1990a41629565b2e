export type { CliStatus } from "./agents/cli";

import { agentRegistry } from "./agents/registry";
import { createCallbacks } from "./callbacks";
import { createAgentConversationService, createConversationService, createLibsqlConversationStore } from "./conversations";
import { createIdempotencyStore } from "./db/idempotency";
import { createSettings } from "./db/settings";
import { createTasks } from "./db/tasks";
import { wireDesktop, wireVnc } from "./deps/desktop";
import type { Deps, DepsInput } from "./deps/types";
import { createSlots } from "./exec/slots";
import { mcpFromConfig } from "./mcp";
import { unavailableRepos } from "./repos/unavailable";
import { createRunEventLog } from "./runs/event-log";
import { createRunHooks } from "./runs/hooks";
import { createInstanceRegistry } from "./runs/instances";
import { createCallbackPayload } from "./runs/iterate/payload";
import { createIterateService } from "./runs/iterate/service";
import { createIterationStore } from "./runs/iterate/store";
import { createRunService } from "./runs/service";
import { createRunStore } from "./runs/store";
import { createSummarizer } from "./runs/summarize";
import { createTaskEngine } from "./tasks";

export type { Deps, DepsInput, ResolvedWorkspace, Workspaces } from "./deps/types";

/** Runtime-neutral wiring: every entry (Node server, Worker, tests) ends here. */
export function buildDeps(input: DepsInput): Deps {
  const { config, log, db } = input;
  const instanceId = crypto.randomUUID();
  const slots = createSlots(config.slots);
  const callbacks = createCallbacks({ db, config, log, instanceId, background: input.background });
  const repos = input.repos ?? unavailableRepos();
  const settings = createSettings(db, { debugFallback: config.debugFallback });
  const conversationStore = input.conversationStore ?? createLibsqlConversationStore(db);
  const conversations = createConversationService(conversationStore, { isDebugEnabled: () => settings.isEnabled("debug") });
  const iterations = createIterationStore(db);
  const mcp = input.workspaceFiles ? mcpFromConfig(config, input.workspaceFiles, input.baseEnv, log) : undefined;
  const runs = createRunService({
    config,
    log,
    store: createRunStore(db),
    events: createRunEventLog({
      db,
      maxEvents: config.runs.maxEvents,
      maxTextChars: config.runs.maxEventChars,
      flushMs: 50,
      onError: (error) => log.error({ err: error }, "Could not store run events"),
    }),
    slots,
    executor: input.executor,
    agent: agentRegistry(config),
    baseEnv: input.baseEnv,
    instanceId,
    instances: createInstanceRegistry(db),
    ...(input.instanceProbe ? { probe: input.instanceProbe } : {}),
    mcp,
    background: input.background,
    hooks: createRunHooks({
      payload: createCallbackPayload(iterations),
      callbacks,
      log,
      repos,
      conversations,
      summarizer: createSummarizer({ conversations, runs: () => runs, log }),
    }),
  });
  const iterate = createIterateService({
    config,
    log,
    runs,
    iterations,
    conversations,
    repos,
    agent: agentRegistry(config),
    mcp,
    files: input.workspaceFiles,
  });
  const { desktop, taskDrivers, taskModelSources } = wireDesktop(input, { slots, engine: () => taskEngine });
  const taskEngine = createTaskEngine({
    config,
    log,
    db,
    instanceId,
    settings,
    slots,
    runs,
    callbacks,
    workspaces: input.workspaces,
    cliStatus: input.cliStatus,
    ...(input.writeTaskFiles ? { writeTaskFiles: input.writeTaskFiles } : {}),
    drivers: taskDrivers,
    modelSources: taskModelSources,
  });
  return {
    config,
    log,
    db,
    settings,
    tasks: createTasks(db),
    slots,
    cliStatus: input.cliStatus,
    workspaces: input.workspaces,
    repos,
    conversationStore,
    conversations,
    agentConversations: createAgentConversationService(conversationStore),
    runs,
    iterate,
    instanceId,
    callbacks,
    taskEngine,
    idempotency: createIdempotencyStore(db),
    ...(input.metrics ? { metrics: input.metrics({ db, slots }) } : {}),
    ...(input.ui ? { ui: input.ui } : {}),
    desktop,
    ...wireVnc(input, () => taskEngine),
  };
}
