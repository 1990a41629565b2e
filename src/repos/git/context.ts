import type { Logger } from "../../log";
import type { CredentialLookup } from "./credentials";

/** What every git operation needs; built once by createGitService. */
export interface GitContext {
  /** REPOSITORIES_PATH. */
  root: string;
  credentials: CredentialLookup;
  /** GIT_COMMAND_TIMEOUT. */
  timeoutMs: number;
  /** Identity for commits and merge commits. */
  author: { name: string; email: string };
  log: Logger;
}
