import { HttpError } from "../http/errors";
import type { RepoServices } from "./types";

/**
 * `deps.repos` where no filesystem or processes exist (Workers): every call answers 501 with the
 * reason, instead of failing somewhere deeper — except workspace trust, which by contract never
 * throws (a run must not fail over it) and here writes nothing: the files live on the sidecar host.
 *
 * @example
 * buildDeps({ ..., repos: undefined }).repos.git.list(); // rejects with HttpError 501
 */
export function unavailableRepos(): RepoServices {
  const fail = async (): Promise<never> => {
    throw new HttpError(501, "Repository operations need the Node runtime (files, git and processes are not available here)");
  };
  return {
    fileTree: fail,
    git: {
      clone: fail,
      list: fail,
      status: fail,
      checkout: fail,
      pull: fail,
      push: fail,
      commit: fail,
      prepareBranch: fail,
    },
    ensureWorkspaceTrust: async () => ({ written: [], skipped: [], excluded: false, errors: [] }),
    terminal: { run: fail },
    targetApp: { path: "", type: "node", validate: fail, runTests: fail },
  };
}
