// Node-only: wires the Node-only git operations (node:fs through isomorphic-git).
import type { Client } from "@libsql/client";
import type { Config } from "../../config";
import type { Logger } from "../../log";
import type { SecretCipher } from "../../secrets/cipher";
import { checkoutBranch, prepareBranch } from "./checkout";
import { cloneRepository } from "./clone";
import { commitAll } from "./commit";
import type { GitContext } from "./context";
import { createCredentialLookup } from "./credentials";
import { listRepositories, repositoryStatus } from "./status";
import { pullRepository, pushRepository } from "./sync";
import type { GitService } from "./types";

export interface GitServiceOptions {
  /** REPOSITORIES_PATH. */
  root: string;
  db: Client;
  git: Config["git"];
  log: Logger;
  /** Opens git_credentials secrets sealed at rest (SECRETS_KEY). */
  cipher?: SecretCipher;
}

/**
 * The git service over isomorphic-git: credentials from git_credentials or the environment,
 * GIT_COMMAND_TIMEOUT on every operation, repository names resolved inside REPOSITORIES_PATH.
 *
 * @example
 * const git = createGitService({ root: config.paths.repositories, db, git: config.git, log });
 * await git.clone({ url: "https://github.com/org/app.git" });
 */
export function createGitService({ root, db, git, log, cipher }: GitServiceOptions): GitService {
  const ctx: GitContext = {
    root,
    credentials: createCredentialLookup(db, { token: git.token, username: git.username, tokenHosts: git.tokenHosts }, cipher),
    timeoutMs: git.commandTimeoutMs,
    author: { name: git.userName ?? "cursor-runner", email: git.userEmail ?? "cursor-runner@localhost" },
    log,
  };
  return {
    clone: (input) => cloneRepository(ctx, input),
    list: () => listRepositories(ctx),
    status: (repository) => repositoryStatus(ctx, repository),
    checkout: (input) => checkoutBranch(ctx, input),
    pull: (input) => pullRepository(ctx, input),
    push: (input) => pushRepository(ctx, input),
    commit: (input) => commitAll(ctx, input),
    prepareBranch: (repoDir, branchName, options) => prepareBranch(ctx, repoDir, branchName, options),
  };
}
