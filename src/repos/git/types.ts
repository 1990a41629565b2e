/** Results of the git service, shared by handlers (runtime-neutral types only). */

export interface RepositorySummary {
  name: string;
  /** Current branch, or null when HEAD is detached. */
  branch: string | null;
  /** HEAD commit, or null in a repository without commits. */
  commit: string | null;
  /** Any tracked change or untracked file (what `git status --porcelain` would print). */
  dirty: boolean;
}

export type FileStatus = "untracked" | "added" | "modified" | "deleted";

export interface StatusEntry {
  path: string;
  status: FileStatus;
  /** Whether the change is staged in the index. */
  staged: boolean;
}

export interface RepositoryStatus extends RepositorySummary {
  files: StatusEntry[];
  /** True when more files changed than the list shows. */
  filesTruncated: boolean;
}

export interface CloneInput {
  url: string;
  /** Directory name under REPOSITORIES_PATH; derived from the URL when absent. */
  name?: string;
  branch?: string;
  /** Shallow clone depth. */
  depth?: number;
}

export interface CloneResult {
  repository: string;
  /** The remote, without credentials. */
  url: string;
  branch: string | null;
  commit: string | null;
}

export interface CheckoutInput {
  repository: string;
  branch: string;
  /** Create the branch at HEAD when it does not exist (locally or on origin). */
  create?: boolean;
}

export interface BranchResult {
  branch: string;
  /** Whether the branch was created by this call. */
  created: boolean;
  commit: string | null;
}

export interface CheckoutResult extends BranchResult {
  repository: string;
}

export interface SyncInput {
  repository: string;
  /** Defaults to the current branch. */
  branch?: string;
  /** Push only: overwrite the remote branch. */
  force?: boolean;
}

export interface SyncResult {
  repository: string;
  branch: string;
  commit: string | null;
  /** Pull: whether HEAD moved. Push: whether the remote moved. */
  updated: boolean;
}

export interface CommitInput {
  repository: string;
  message: string;
  author?: { name: string; email: string };
}

export interface CommitResult {
  repository: string;
  branch: string | null;
  commit: string;
  /** Paths staged into the commit. */
  files: string[];
}

/** The git operations a handler or the execute route can reach through deps. */
export interface GitService {
  clone(input: CloneInput): Promise<CloneResult>;
  list(): Promise<RepositorySummary[]>;
  status(repository: string): Promise<RepositoryStatus>;
  checkout(input: CheckoutInput): Promise<CheckoutResult>;
  pull(input: SyncInput): Promise<SyncResult>;
  push(input: SyncInput): Promise<SyncResult>;
  commit(input: CommitInput): Promise<CommitResult>;
  /**
   * Checks `branchName` out in `repoDir` before a run (fetching it from origin when only the
   * remote has it); `createBranch` creates it at HEAD when it exists nowhere.
   */
  prepareBranch(repoDir: string, branchName: string, options?: { createBranch?: boolean }): Promise<BranchResult>;
}
