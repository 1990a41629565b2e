// Node-only: reads .gitignore files from disk.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import ignore, { type Ignore } from "ignore";

/** One directory's .gitignore, applying to paths below `base` ("" for the root). */
export interface GitignoreRule {
  base: string;
  matcher: Ignore;
}

/** Longest .gitignore we read; bigger files are treated as absent rather than read into memory. */
const MAX_GITIGNORE_BYTES = 1024 * 1024;

/**
 * Adds the .gitignore of `absDir` (if any) to the rules inherited from its parents.
 *
 * @example
 * const rules = await withGitignoreOf([], "/repos/app", "");
 * isGitignored(rules, "logs/today.txt", false);
 */
export async function withGitignoreOf(inherited: GitignoreRule[], absDir: string, relDir: string): Promise<GitignoreRule[]> {
  let text: string;
  try {
    const buffer = await readFile(join(absDir, ".gitignore"));
    if (buffer.byteLength > MAX_GITIGNORE_BYTES) return inherited;
    text = buffer.toString("utf8");
  } catch {
    return inherited;
  }
  return [...inherited, { base: relDir, matcher: ignore().add(text) }];
}

/**
 * Git's precedence: rules are applied from the root down, a deeper file's `!pattern` re-includes
 * what a parent excluded. `relPath` uses "/" and is relative to the walk's root.
 */
export function isGitignored(rules: GitignoreRule[], relPath: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const { base, matcher } of rules) {
    const local = base === "" ? relPath : relPath.slice(base.length + 1);
    const result = matcher.test(isDirectory ? `${local}/` : local);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}
