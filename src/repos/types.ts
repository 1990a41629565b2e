import type { FileTree, FileTreeOptions } from "./file-tree-types";
import type { GitService } from "./git/types";
import type { TargetAppRunner } from "./target-app";
import type { Terminal } from "./terminal";
import type { TrustResult } from "./workspace-trust";

/**
 * Repository services a handler reaches through `deps.repos` (type-only imports: the Node
 * implementations stay out of the Workers bundle). Name resolution lives in `deps.workspaces`.
 */
export interface RepoServices {
  /** A §10.3 file tree of `dir` (bounded, async), or null when `dir` is not a directory. */
  fileTree(dir: string, options?: FileTreeOptions): Promise<FileTree | null>;
  git: GitService;
  /** §10.5 trust files, kept out of commits via .git/info/exclude. Never throws. */
  ensureWorkspaceTrust(dir: string): Promise<TrustResult>;
  /** §10.8 terminal with TERMINAL_* limits and allow/deny lists. */
  terminal: Terminal;
  /** §10.11 target app runner. */
  targetApp: TargetAppRunner;
}
