// Node-only: generates a file tree on disk and times walks of it.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { buildFileTree, type FileNode } from "../src/repos/file-tree";
import { isIgnoredName } from "../src/repos/ignore-list";
import { ms, summarize } from "./stats";

export interface FileTreeBenchResult {
  files: number;
  directories: number;
  runs: number;
  ours: { p50Ms: number; maxMs: number; longestStallMs: number; entries: number };
  baseline: { p50Ms: number; maxMs: number; longestStallMs: number; entries: number };
}

/**
 * `npm run bench` (file-tree part): a generated tree of 50 × 10 directories × 100 files (50,000
 * files) listed by our async walk and by a plain synchronous recursive walk (the original's
 * approach), timed over several runs, with the longest event-loop stall seen during each.
 *
 * @example
 * const result = await benchFileTree({ runs: 5 });
 */
export async function benchFileTree({ runs = 5, top = 50, sub = 10, perDir = 100 } = {}): Promise<FileTreeBenchResult> {
  const root = mkdtempSync(join(tmpdir(), "bench-file-tree-"));
  try {
    for (let a = 0; a < top; a++) {
      for (let b = 0; b < sub; b++) {
        const dir = join(root, `pkg${a}`, `mod${b}`);
        mkdirSync(dir, { recursive: true });
        for (let f = 0; f < perDir; f++) writeFileSync(join(dir, `file${f}.ts`), "");
      }
    }
    const files = top * sub * perDir;
    const directories = top + top * sub;
    // The cap is raised above the tree's size so both walks list everything.
    const ours = () => buildFileTree(root, { maxEntries: 1_000_000 }).then((tree) => countNodes(tree?.nodes ?? []));
    const baseline = async () => countNodes(syncWalk(root, "", 0, 10));

    await ours(); // warm the page cache and the JIT for both
    await baseline();
    const oursRuns = await measure(ours, runs);
    const baselineRuns = await measure(baseline, runs);
    const result: FileTreeBenchResult = { files, directories, runs, ours: oursRuns, baseline: baselineRuns };

    console.log(`\nFile tree: ${files} files in ${directories} directories, ${runs} runs each`);
    console.table({
      "ours (async, bounded)": row(oursRuns),
      "baseline (sync recursive)": row(baselineRuns),
    });
    return result;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const row = (r: FileTreeBenchResult["ours"]) => ({
  "p50 time": ms(r.p50Ms),
  "max time": ms(r.maxMs),
  "longest event-loop stall": ms(r.longestStallMs),
  entries: r.entries,
});

/** Times `walk` `runs` times; the stall is the longest gap between 1 ms interval ticks (and the histogram's max). */
async function measure(walk: () => Promise<number>, runs: number) {
  const times: number[] = [];
  let longestStallMs = 0;
  let entries = 0;
  for (let i = 0; i < runs; i++) {
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    let last = performance.now();
    let gap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      gap = Math.max(gap, now - last);
      last = now;
    }, 1);
    const start = performance.now();
    entries = await walk();
    const end = performance.now();
    gap = Math.max(gap, end - last); // a walk that never yields stalls for its whole length
    clearInterval(ticker);
    histogram.disable();
    times.push(end - start);
    longestStallMs = Math.max(longestStallMs, gap, histogram.max / 1e6);
  }
  const stats = summarize(times);
  return { p50Ms: stats.p50, maxMs: stats.max, longestStallMs, entries };
}

/** The baseline: what the original did, minus symlink handling — readdirSync/recursion on the event loop. */
function syncWalk(dir: string, rel: string, depth: number, maxDepth: number): FileNode[] {
  if (depth >= maxDepth) return [];
  const nodes: FileNode[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (isIgnoredName(entry.name)) continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      nodes.push({
        name: entry.name,
        path,
        type: "directory",
        children: syncWalk(join(dir, entry.name), path, depth + 1, maxDepth),
      });
    } else if (entry.isFile()) {
      nodes.push({ name: entry.name, path, type: "file" });
    }
  }
  return nodes.sort((a, b) => (a.type !== b.type ? (a.type === "directory" ? -1 : 1) : a.name.localeCompare(b.name)));
}

function countNodes(nodes: FileNode[]): number {
  let count = 0;
  const stack = [...nodes];
  while (stack.length > 0) {
    const node = stack.pop()!;
    count++;
    if (node.children) stack.push(...node.children);
  }
  return count;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchFileTree();
}
