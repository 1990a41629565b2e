// Runtime-neutral: repository services for a runner without a filesystem (Workers).
import type { RepoServices } from "../repos/types";
import { unavailableRepos } from "../repos/unavailable";

const NO_TRUST_FILES = "Workspace trust files are not written from Workers; provide them on the sidecar host";

/**
 * Every repository operation answers 501, except workspace trust, which by contract never throws
 * (a run must not fail over it): it reports that nothing was written. Runs asking for a branch
 * still fail with the 501 message, as checking one out needs the files.
 *
 * @example
 * buildDeps({ ..., repos: workerRepos() });
 */
export function workerRepos(): RepoServices {
  return {
    ...unavailableRepos(),
    ensureWorkspaceTrust: async () => ({ written: [], skipped: [], excluded: false, errors: [NO_TRUST_FILES] }),
  };
}
