import type { Client } from "@libsql/client";
import type { AgentCliStatus } from "../agents/cli";
import type { Callbacks } from "../callbacks";
import type { Config } from "../config";
import type { ConversationStore, createAgentConversationService, createConversationService } from "../conversations";
import type { IdempotencyStore } from "../db/idempotency";
import type { Settings } from "../db/settings";
import type { Tasks } from "../db/tasks";
import type { ActionRecorder, Desktop } from "../desktop/service";
import type { ConnectTcp, VncRelay } from "../desktop/vnc/relay";
import type { VncLauncher } from "../desktop/vnc/server";
import type { Slots } from "../exec/slots";
import type { Executor } from "../exec/types";
import type { UiAssets } from "../http/ui";
import type { Logger } from "../log";
import type { McpFiles } from "../mcp/types";
import type { Metrics } from "../metrics/types";
import type { RepoServices } from "../repos/types";
import type { InstanceProbe } from "../runs/instances";
import type { TextFiles } from "../runs/iterate/definition-of-done";
import type { IterateService } from "../runs/iterate/service";
import type { RunService } from "../runs/service";
import type { TaskEngine } from "../tasks";
import type { TaskFileWriter } from "../tasks/drivers/agent";
import type { ModelSource } from "../tasks/models";
import type { TaskDriver, TaskKind } from "../tasks/types";

// The shapes of the wiring (what every entry passes in, what every handler may reach), apart from
// the code in src/deps.ts that builds one from the other.

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
