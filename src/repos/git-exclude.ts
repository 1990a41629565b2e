// Node-only: edits a repository's .git/info/exclude through node:fs.
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** The repository's git directory: `.git`, or where a worktree's `.git` file points; undefined outside git. */
export async function gitDirOf(dir: string): Promise<string | undefined> {
  const dotGit = join(dir, ".git");
  try {
    const stats = await stat(dotGit);
    if (stats.isDirectory()) return dotGit;
    const pointer = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, "utf8"));
    return pointer?.[1] ? resolve(dir, pointer[1].trim()) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lists `patterns` in the repository's info/exclude (once, under `header`), so files the runner
 * writes into a workspace never end up in the user's commits. False outside a git repository.
 *
 * @example
 * await excludeFromGit(repoDir, ["/.cursor/mcp.json"], "# cursor-runner per-run MCP config");
 */
export async function excludeFromGit(dir: string, patterns: readonly string[], header: string): Promise<boolean> {
  const gitDir = await gitDirOf(dir);
  if (!gitDir) return false;
  const excludePath = join(gitDir, "info", "exclude");
  const current = await readFile(excludePath, "utf8").catch(() => "");
  const present = new Set(current.split(/\r?\n/).map((line) => line.trim()));
  const missing = patterns.filter((line) => !present.has(line));
  if (missing.length === 0) return true;
  const prefix = current === "" || current.endsWith("\n") ? "" : "\n";
  const heading = present.has(header) ? "" : `${header}\n`;
  await mkdir(dirname(excludePath), { recursive: true });
  await writeFile(excludePath, `${current}${prefix}${heading}${missing.join("\n")}\n`);
  return true;
}
