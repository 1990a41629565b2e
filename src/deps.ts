import type { Client } from "@libsql/client";
import type { AgentCliStatus } from "./agents/cli";

export type { CliStatus } from "./agents/cli";

import { agentRegistry } from "./agents/registry";
import { type Callbacks, createCallbacks } from "./callbacks";
import type { Config } from "./config";
import {
  type ConversationStore,
  createAgentConversationService,
  createConversationService,
  createLibsqlConversationStore,
} from "./conversations";
import { createIdempotencyStore, type IdempotencyStore } from "./db/idempotency";
import { createSettings, type Settings } from "./db/settings";
import { createTasks, type Tasks } from "./db/tasks";
import { type ActionRecorder, createDesktop, type Desktop } from "./desktop/service";
import { createControlCheck } from "./desktop/vnc/control";
import { type ConnectTcp, createVncRelay, type VncRelay } from "./desktop/vnc/relay";
import { createVncServer, type VncLauncher } from "./desktop/vnc/server";
import { createProviders } from "./desktop-agent/providers";
import { createSlots, type Slots } from "./exec/slots";
import type { Executor } from "./exec/types";
import type { UiAssets } from "./http/ui";
import type { Logger } from "./log";
import { mcpFromConfig } from "./mcp";
import type { McpFiles } from "./mcp/types";
import type { Metrics } from "./metrics/types";
import type { RepoServices } from "./repos/types";
import { unavailableRepos } from "./repos/unavailable";
import { RUNNER_SECRETS } from "./runs/agent-env";
import { createRunEventLog } from "./runs/event-log";
import { createRunHooks } from "./runs/hooks";
import { createInstanceRegistry, type InstanceProbe } from "./runs/instances";
import type { TextFiles } from "./runs/iterate/definition-of-done";
import { createCallbackPayload } from "./runs/iterate/payload";
import { createIterateService, type IterateService } from "./runs/iterate/service";
import { createIterationStore } from "./runs/iterate/store";
import { createRunService, type RunService } from "./runs/service";
import { createRunStore } from "./runs/store";
import { createSummarizer } from "./runs/summarize";
import { createTaskEngine, type TaskEngine } from "./tasks";
import type { TaskFileWriter } from "./tasks/drivers/agent";
import { createDesktopTaskDriver } from "./tasks/drivers/desktop";
import { createTaskMessages } from "./tasks/messages";
import type { ModelSource } from "./tasks/models";
import { createTaskSummaries } from "./tasks/summaries";
import type { TaskDriver, TaskKind } from "./tasks/types";

/** Where a repository name from a request points, resolved safely inside REPOSITORIES_PATH. */
export interface ResolvedWorkspace {
  name: string;
  path: string;
  exists: boolean;
}

export interface Workspaces {
  /** Throws 400 "Invalid repository name" for anything that would leave the root. */
  resolve(name: string | null | undefined, options?: { allowRoot?: boolean }): Promise<ResolvedWorkspace>;
}

/** Everything a handler may reach. Built once per process (or per test) and passed to `createApp`. */
export interface Deps {
  config: Config;
  log: Logger;
  db: Client;
  settings: Settings;
  tasks: Tasks;
  slots: Slots;
  /** Looks an agent's CLI up (live, so installing it later needs no restart); no agent = DEFAULT_AGENT. */
  cliStatus: AgentCliStatus;
  workspaces: Workspaces;
  /** File trees, git, workspace trust, terminal, target app (Node; 501 elsewhere). */
  repos: RepoServices;
  conversationStore: ConversationStore;
  conversations: ReturnType<typeof createConversationService>;
  agentConversations: ReturnType<typeof createAgentConversationService>;
  runs: RunService;
  /** Iterate mode (§6): worker and review child runs until the definition of done holds. */
  iterate: IterateService;
  /** Identifies this process among instances sharing the database. */
  instanceId: string;
  /** The callback outbox; `callbacks.startWorker()` (Node server) delivers it. */
  callbacks: Callbacks;
  /** The task engine (`/tasks`): lifecycle, processor, recovery, change log. */
  taskEngine: TaskEngine;
  /** Stored first answers of requests sent with an Idempotency-Key. */
  idempotency: IdempotencyStore;
  /** Prometheus metrics (Node); absent: `/metrics` answers 501. */
  metrics?: Metrics;
  /** The built web UI's files (served at `/` and `/ui/*`); absent: those routes say the UI is not built. */
  ui?: UiAssets;
  /** Computer use: Bytebot's desktop actions on the configured X display, through the executor. */
  desktop: Desktop;
  /** The live desktop view's WebSocket → VNC relay (`/desktop/vnc`); absent where no TCP is at hand (Workers). */
  vnc?: VncRelay;
}

export interface DepsInput {
  config: Config;
  log: Logger;
  db: Client;
  cliStatus: AgentCliStatus;
  workspaces: Workspaces;
  repos?: RepoServices;
  /** Chosen by configuration (see src/conversations/index.ts); the libSQL database's own store when absent. */
  conversationStore?: ConversationStore;
  executor: Executor;
  /** Environment agents inherit (the runner's own secrets are removed before use). */
  baseEnv: Record<string, string | undefined>;
  /** Node: tells whether an earlier instance's process is gone, so its runs close at start-up (absent: wait for the stale sweep). */
  instanceProbe?: InstanceProbe;
  /** Node: writes a task's attached files into its workspace (absent: agents are only told their names). */
  writeTaskFiles?: TaskFileWriter;
  /** Task drivers beyond the built-in coding-agent one (the desktop agent), and the models they offer. */
  taskDrivers?: Partial<Record<TaskKind, TaskDriver>>;
  taskModelSources?: ModelSource[];
  /** Node: builds the metrics over the database and the slots. */
  metrics?: (parts: { db: Client; slots: Slots }) => Metrics;
  /** Node: per-run MCP files and definition-of-done lookups (absent: no MCP, no file lookups). */
  workspaceFiles?: McpFiles & TextFiles;
  /**
   * Told about work that must outlive the request that started it (runs, callback rounds). The
   * Workers entry keeps it alive with waitUntil (src/worker/background.ts); Node needs nothing.
   */
  background?: (work: Promise<unknown>) => void;
  /** The built web UI: read from disk on Node, from the ASSETS binding on Workers. */
  ui?: UiAssets;
  /**
   * Told about every desktop action (HTTP and MCP) with its result and the request's taskId: the hook
   * for recording a user's actions while a task is under USER control (B§3.9). Absent: nothing recorded.
   */
  desktopRecorder?: ActionRecorder;
  /** Node (and Bun): TCP connections for the live desktop view's relay. Absent: no live view (Workers). */
  connectTcp?: ConnectTcp;
  /** Node with the local executor: starts x11vnc on the display. Absent: only DESKTOP_VNC_URL gives a live view. */
  vncLauncher?: VncLauncher;
  /** Why there is no launcher, for GET /desktop/status. */
  vncLauncherMissing?: string;
}

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
  const desktopEnv = { ...input.baseEnv };
  for (const key of RUNNER_SECRETS) delete desktopEnv[key];
  const desktop = createDesktop({
    config: config.desktop,
    executor: input.executor,
    env: desktopEnv,
    log,
    // Takeover recording: a person's actions for a task under their control become its messages.
    guard: (taskId) => taskEngine.userActions.guard(taskId),
    onAction: async (record) => {
      await taskEngine.userActions.record(record);
      await input.desktopRecorder?.(record);
    },
  });
  // The desktop agent drives `kind: desktop` tasks once any LLM provider is configured (issue 13).
  const providers = createProviders(config.desktopAgent.providers);
  const desktopDriver = providers.configured
    ? createDesktopTaskDriver({
        config: config.desktopAgent,
        log,
        desktop,
        providers,
        // Read-only here: the engine's own TaskMessages writes (and publishes) every message.
        messages: createTaskMessages(db),
        summaries: createTaskSummaries(db),
        slots,
        createTask: (task) => taskEngine.service.create(task),
      })
    : undefined;
  const taskDrivers = { ...(desktopDriver ? { desktop: desktopDriver } : {}), ...input.taskDrivers };
  const taskModelSources = [...(providers.configured ? [providers.source] : []), ...(input.taskModelSources ?? [])];
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
    ...(input.connectTcp
      ? {
          vnc: createVncRelay({
            server: createVncServer({
              config: config.vnc,
              desktop: config.desktop,
              ...(input.vncLauncher ? { launch: input.vncLauncher } : {}),
              ...(input.vncLauncherMissing ? { noLauncherReason: input.vncLauncherMissing } : {}),
              log,
            }),
            connect: input.connectTcp,
            // View-only unless the task is under USER control: the takeover guard decides, as for POST /computer-use.
            control: createControlCheck({ guard: (taskId) => taskEngine.userActions.guard(taskId) }),
            maxViewers: config.vnc.maxViewers,
            log,
          }),
        }
      : {}),
  };
}
