// Node-only: builds the filesystem, git and process services.
import type { Client } from "@libsql/client";
import type { Config } from "../config";
import type { Logger } from "../log";
import type { SecretCipher } from "../secrets/cipher";
import { buildFileTree } from "./file-tree";
import { createGitService } from "./git/service";
import { createTargetAppRunner } from "./target-app";
import { createTerminal } from "./terminal";
import type { RepoServices } from "./types";
import { ensureWorkspaceTrust } from "./workspace-trust";

/**
 * The Node implementation of `deps.repos`.
 *
 * @example
 * const repos = createRepoServices({ config, db, log });
 * const tree = await repos.fileTree("/repos/app", { gitignore: true });
 */
export function createRepoServices({
  config,
  db,
  log,
  cipher,
}: {
  config: Config;
  db: Client;
  log: Logger;
  cipher?: SecretCipher;
}): RepoServices {
  return {
    fileTree: (dir, options) => buildFileTree(dir, { maxEntries: config.fileTree.maxEntries, ...options }),
    git: createGitService({ root: config.paths.repositories, db, git: config.git, log, ...(cipher ? { cipher } : {}) }),
    ensureWorkspaceTrust: (dir) => ensureWorkspaceTrust(dir, { log }),
    terminal: createTerminal({
      timeoutMs: config.terminal.timeoutMs,
      maxOutputBytes: config.terminal.maxOutputBytes,
      allowed: config.terminal.allowedCommands,
      blocked: config.terminal.blockedCommands,
    }),
    targetApp: createTargetAppRunner({
      path: config.paths.targetApp,
      type: config.targetApp.type,
      timeoutMs: config.targetApp.timeoutMs,
      maxOutputBytes: config.terminal.maxOutputBytes,
    }),
  };
}
