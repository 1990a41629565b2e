// Node-only: walks the filesystem with fs.promises.
import type { Dirent } from "node:fs";
import { lstat, opendir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { FileNode, FileTree, FileTreeOptions } from "./file-tree-types";
import { type GitignoreRule, isGitignored, withGitignoreOf } from "./gitignore";
import { isIgnoredName } from "./ignore-list";
import { isStrictlyInside } from "./safe-path";

export type { FileNode, FileTree, FileTreeOptions } from "./file-tree-types";

/** Directories read at once: enough to keep libuv's thread pool busy, few enough to stay polite. */
const CONCURRENCY = 8;
/** Longest stretch of synchronous work before we hand the event loop back. */
const SLICE_MS = 8;

interface DirJob {
  abs: string;
  rel: string;
  depth: number;
  node: FileNode | undefined;
  children: FileNode[];
  rules: GitignoreRule[];
}

interface WalkState {
  realRoot: string;
  maxDepth: number;
  maxEntries: number;
  gitignore: boolean;
  entries: number;
  truncated: boolean;
  sliceStart: number;
}

const collator = new Intl.Collator();

/**
 * Lists `dir` as §10.3 FileNodes, asynchronously and bounded: breadth-first (so a cut keeps the
 * shallow levels complete), at most `maxEntries` nodes (cut directories carry `truncated: true`),
 * `maxDepth` levels, built-in ignore list, optionally the repository's .gitignore files. Symlinks
 * count only when their target is inside the root; a linked directory is listed but not descended
 * (its target is listed where it really lives), so loops are impossible. Returns null when `dir`
 * is not a directory.
 *
 * @example
 * const tree = await buildFileTree("/repos/app", { maxEntries: 50_000, gitignore: true });
 * if (tree?.truncated) res.headers.set("X-File-Tree-Truncated", "true");
 */
export async function buildFileTree(dir: string, options: FileTreeOptions = {}): Promise<FileTree | null> {
  let realRoot: string;
  try {
    realRoot = await realpath(dir);
    if (!(await stat(realRoot)).isDirectory()) return null;
  } catch {
    return null;
  }
  const state: WalkState = {
    realRoot,
    maxDepth: options.maxDepth ?? 10,
    maxEntries: options.maxEntries ?? 50_000,
    gitignore: options.gitignore ?? false,
    entries: 0,
    truncated: false,
    sliceStart: performance.now(),
  };
  const nodes: FileNode[] = [];
  let level: DirJob[] = [{ abs: realRoot, rel: "", depth: 0, node: undefined, children: nodes, rules: [] }];
  while (level.length > 0) {
    const next: DirJob[] = [];
    await forEachLimited(level, CONCURRENCY, async (job) => {
      next.push(...(await listDirectory(job, state)));
    });
    if (state.truncated) {
      for (const job of next) if (job.node) job.node.truncated = true;
      break;
    }
    level = next;
  }
  return { nodes, entries: state.entries, truncated: state.truncated };
}

/** Reads one directory into `job.children`; returns the subdirectories still to read. */
async function listDirectory(job: DirJob, state: WalkState): Promise<DirJob[]> {
  if (job.depth >= state.maxDepth) return [];
  const rules = state.gitignore ? await withGitignoreOf(job.rules, job.abs, job.rel) : job.rules;
  const subdirectories: DirJob[] = [];
  try {
    // opendir streams entries, so a huge directory is never read whole once the cap is hit.
    const handle = await opendir(job.abs, { bufferSize: 128 });
    for await (const dirent of handle) {
      if (state.entries >= state.maxEntries) {
        state.truncated = true;
        if (job.node) job.node.truncated = true;
        break; // leaving the loop closes the handle
      }
      if (isIgnoredName(dirent.name)) continue;
      const abs = join(job.abs, dirent.name);
      const rel = job.rel === "" ? dirent.name : `${job.rel}/${dirent.name}`;
      const kind = await kindOf(dirent, abs, state.realRoot);
      if (kind === undefined) continue;
      const isDirectory = kind !== "file";
      if (state.gitignore && isGitignored(rules, rel, isDirectory)) continue;
      state.entries++;
      if (!isDirectory) {
        job.children.push({ name: dirent.name, path: rel, type: "file" });
      } else {
        const node: FileNode = { name: dirent.name, path: rel, type: "directory", children: [] };
        job.children.push(node);
        if (kind === "directory" && job.depth + 1 < state.maxDepth) {
          subdirectories.push({ abs, rel, depth: job.depth + 1, node, children: node.children!, rules });
        }
      }
      await maybeYield(state);
    }
  } catch {
    // An unreadable directory lists as what we got so far (§10.3: readdir errors give []).
  }
  job.children.sort(compareNodes);
  return subdirectories;
}

type Kind = "file" | "directory" | "linked-directory";

/** What an entry is, following a symlink only when its target stays inside the root. */
async function kindOf(dirent: Dirent, abs: string, realRoot: string): Promise<Kind | undefined> {
  if (dirent.isFile()) return "file";
  if (dirent.isDirectory()) return "directory";
  try {
    if (dirent.isSymbolicLink()) {
      const target = await realpath(abs);
      if (!isStrictlyInside(realRoot, target)) return undefined;
      const stats = await stat(target);
      return stats.isFile() ? "file" : stats.isDirectory() ? "linked-directory" : undefined;
    }
    // Some filesystems do not report types in readdir (DT_UNKNOWN): ask lstat.
    if (dirent.isBlockDevice() || dirent.isCharacterDevice() || dirent.isFIFO() || dirent.isSocket()) return undefined;
    const stats = await lstat(abs);
    if (stats.isSymbolicLink()) return undefined;
    return stats.isFile() ? "file" : stats.isDirectory() ? "directory" : undefined;
  } catch {
    return undefined; // vanished or unreadable: skipped, as §10.3's stat errors
  }
}

/** §10.3 order: directories first, then files, each by locale-aware name. */
function compareNodes(a: FileNode, b: FileNode): number {
  if (a.type !== b.type) return a.type === "directory" ? -1 : 1;
  return collator.compare(a.name, b.name);
}

/** Awaited promises that resolve at once only run microtasks; this lets timers and I/O in too. */
async function maybeYield(state: WalkState): Promise<void> {
  if (performance.now() - state.sliceStart < SLICE_MS) return;
  await yieldToLoop();
  state.sliceStart = performance.now();
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let index = 0;
  const worker = async () => {
    while (index < items.length) await work(items[index++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
