// Runtime-neutral: repository names checked without a filesystem (Workers).
import type { Workspaces } from "../deps";
import { HttpError } from "../http/errors";
import { checkRepositoryName, REPOSITORY_NAME_REQUIRED } from "../repos/repository-name";

/**
 * Workspaces for a runner that cannot see the disk its agents work on. A name is validated exactly
 * as on Node (one plain path segment, after decoding and normalisation) and joined to `root` (the
 * REPOSITORIES_PATH as the sidecar sees it). Existence and symlink containment cannot be checked
 * here: the sidecar re-checks every cwd against its SIDECAR_ROOT on its own filesystem (403 when
 * outside), and a missing directory fails the run with the sidecar's spawn error.
 *
 * @example
 * const workspaces = nameOnlyWorkspaces("/srv/repositories");
 * await workspaces.resolve("my-app"); // { name: "my-app", path: "/srv/repositories/my-app", exists: true }
 */
export function nameOnlyWorkspaces(root: string): Workspaces {
  const base = root.replace(/\/+$/, "") || "/";
  return {
    async resolve(name, options = {}) {
      const trimmed = typeof name === "string" ? name.trim() : "";
      if (trimmed === "") {
        if (!options.allowRoot) throw new HttpError(400, REPOSITORY_NAME_REQUIRED);
        return { name: "", path: base, exists: true };
      }
      checkRepositoryName(trimmed);
      return { name: trimmed, path: `${base === "/" ? "" : base}/${trimmed}`, exists: true };
    },
  };
}
