// Node-only: checks a requested working directory against the sidecar root on the real filesystem.
import { HttpError } from "../http/errors";
import { assertInsideRoot } from "../repos/safe-path";

/**
 * A `resolveCwd` for the sidecar app: the root itself or a directory below it, after symlinks are
 * resolved (a link inside the root pointing outside is refused too). Anything else → 403.
 *
 * @example
 * createSidecarApp({ ..., resolveCwd: cwdInside("/repos") });
 */
export function cwdInside(root: string) {
  return async (cwd: string): Promise<string> => {
    try {
      return await assertInsideRoot(root, cwd);
    } catch (error) {
      throw new HttpError(403, `cwd is outside the sidecar root (${root}): ${cwd}`, { cause: error });
    }
  };
}
