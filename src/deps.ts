import type { Client } from "@libsql/client";
import type { Config } from "./config";
import { createSettings, type Settings } from "./db/settings";
import { createTasks, type Tasks } from "./db/tasks";
import { createSlots, type Slots } from "./exec/slots";
import type { Logger } from "./log";

/** Whether the configured agent CLI can be found, as reported by `/health/queue`. */
export interface CliStatus {
  command: string;
  available: boolean;
  path?: string;
  error?: string;
}

/** Everything a handler may reach. Built once per process (or per test) and passed to `createApp`. */
export interface Deps {
  config: Config;
  log: Logger;
  db: Client;
  settings: Settings;
  tasks: Tasks;
  slots: Slots;
  /** Looks the agent CLI up (live, so installing it later needs no restart). */
  cliStatus: () => Promise<CliStatus>;
}

export interface DepsInput {
  config: Config;
  log: Logger;
  db: Client;
  cliStatus: () => Promise<CliStatus>;
}

/** Runtime-neutral wiring: every entry (Node server, Worker, tests) ends here. */
export function buildDeps({ config, log, db, cliStatus }: DepsInput): Deps {
  return {
    config,
    log,
    db,
    settings: createSettings(db, { debugFallback: config.debugFallback }),
    tasks: createTasks(db),
    slots: createSlots(config.slots),
    cliStatus,
  };
}
