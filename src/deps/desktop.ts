import { createDesktop } from "../desktop/service";
import { createControlCheck } from "../desktop/vnc/control";
import { createVncRelay, type VncRelay } from "../desktop/vnc/relay";
import { createVncServer } from "../desktop/vnc/server";
import { createProviders } from "../desktop-agent/providers";
import type { Slots } from "../exec/slots";
import { RUNNER_SECRETS } from "../runs/agent-env";
import type { TaskEngine } from "../tasks";
import { createDesktopTaskDriver } from "../tasks/drivers/desktop";
import { createTaskMessages } from "../tasks/messages";
import { createTaskSummaries } from "../tasks/summaries";
import type { DepsInput } from "./types";

/**
 * Computer use and the desktop agent's task driver. `engine` is read lazily: the task engine is
 * built after them (it needs their driver) while they call back into it (takeover guard, recording).
 */
export function wireDesktop(input: DepsInput, parts: { slots: Slots; engine: () => TaskEngine }) {
  const { config, log, db } = input;
  const desktopEnv = { ...input.baseEnv };
  for (const key of RUNNER_SECRETS) delete desktopEnv[key];
  const desktop = createDesktop({
    config: config.desktop,
    executor: input.executor,
    env: desktopEnv,
    log,
    // Takeover recording: a person's actions for a task under their control become its messages.
    guard: (taskId) => parts.engine().userActions.guard(taskId),
    onAction: async (record) => {
      await parts.engine().userActions.record(record);
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
        slots: parts.slots,
        createTask: (task) => parts.engine().service.create(task),
      })
    : undefined;
  const taskDrivers = { ...(desktopDriver ? { desktop: desktopDriver } : {}), ...input.taskDrivers };
  const taskModelSources = [...(providers.configured ? [providers.source] : []), ...(input.taskModelSources ?? [])];
  return { desktop, taskDrivers, taskModelSources };
}

/** The live desktop view's relay, where the entry gives TCP connections (not on Workers). */
export function wireVnc(input: DepsInput, engine: () => TaskEngine): { vnc?: VncRelay } {
  const { config, log } = input;
  if (!input.connectTcp) return {};
  return {
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
      control: createControlCheck({ guard: (taskId) => engine().userActions.guard(taskId) }),
      maxViewers: config.vnc.maxViewers,
      log,
    }),
  };
}
