// Node-only: resolves names against the filesystem (realpath, lstat).
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { HttpError } from "../http/errors";
import { checkRepositoryName, INVALID_REPOSITORY_NAME, REPOSITORY_NAME_REQUIRED } from "./repository-name";

export { INVALID_REPOSITORY_NAME, REPOSITORY_NAME_REQUIRED };

export interface ResolvedRepository {
  /** The validated name ("" for the repositories root itself). */
  name: string;
  /** Absolute, symlink-free path strictly inside the (real) repositories root, or the root itself. */
  path: string;
  /** Whether `path` exists and is a directory. */
  exists: boolean;
}

export interface ResolveOptions {
  /** An empty or whitespace name means the repositories root itself (execute's §2.4.4 rule). */
  allowRoot?: boolean;
}

/**
 * Resolves a repository name from a body or URL inside `root`, or refuses it with
 * 400 "Invalid repository name". The name must be one path segment (checked raw, after further
 * percent-decoding and after Unicode normalisation); the result is then re-checked after symlinks
 * are resolved, so a link inside the root that points outside it is refused too.
 *
 * @example
 * const repo = await resolveRepository(config.paths.repositories, body.repository);
 * if (!repo.exists) throw new HttpError(404, `Repository '${repo.name}' not found`);
 */
export async function resolveRepository(
  root: string,
  name: string | null | undefined,
  options: ResolveOptions = {},
): Promise<ResolvedRepository> {
  const realRoot = await realRootOf(root);
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (trimmed === "") {
    if (!options.allowRoot) throw new HttpError(400, REPOSITORY_NAME_REQUIRED);
    return { name: "", path: realRoot, exists: await isDirectory(realRoot) };
  }
  checkRepositoryName(trimmed);
  return resolveInside(realRoot, trimmed);
}

/** Like resolveRepository, but for a path the caller already holds (e.g. from a run row). */
export async function assertInsideRoot(root: string, path: string): Promise<string> {
  const realRoot = await realRootOf(root);
  const real = await realpathOrSelf(resolve(path));
  if (!isStrictlyInside(realRoot, real) && real !== realRoot) throw new HttpError(400, INVALID_REPOSITORY_NAME);
  return real;
}

async function resolveInside(realRoot: string, name: string): Promise<ResolvedRepository> {
  const candidate = resolve(realRoot, name);
  if (!isStrictlyInside(realRoot, candidate)) throw new HttpError(400, INVALID_REPOSITORY_NAME);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    if (isMissing(error)) return { name, path: candidate, exists: false };
    throw new HttpError(400, INVALID_REPOSITORY_NAME, { cause: error });
  }
  // A symlink may point anywhere: only its target counts, and it must stay strictly inside.
  if (!isStrictlyInside(realRoot, real)) throw new HttpError(400, INVALID_REPOSITORY_NAME);
  return { name, path: real, exists: await isDirectory(real) };
}

/** True when `child` is below `parent` (both absolute, normalised), never equal to it. */
export function isStrictlyInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

/** The root with its symlinks resolved; a root that does not exist yet is used as given. */
export async function realRootOf(root: string): Promise<string> {
  return realpathOrSelf(resolve(root));
}

async function realpathOrSelf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
