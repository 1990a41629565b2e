// Node-only: reads and writes workspace files (per-run MCP config, definition-of-done sources).
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import { chmod, mkdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import git from "isomorphic-git";
import type { McpFiles, McpRecovery, McpWriteResult } from "../mcp/types";
import type { TextFiles } from "../runs/iterate/definition-of-done";
import { excludeFromGit } from "./git-exclude";

/** The bundled catalogue (§10.9.1), used when MCP_CONFIG_PATH is unset. */
export const BUNDLED_MCP_CONFIG = fileURLToPath(new URL("../../config/mcp.json", import.meta.url));

const MCP_FILE = ".cursor/mcp.json";
/** Our record of the MCP file we wrote: see McpRecord. */
const MCP_RECORD = ".cursor/mcp.json.cursor-runner";
const EXCLUDE_HEADER = "# cursor-runner per-run MCP config";
/** Larger files are not definitions of done. */
const MAX_TEXT_BYTES = 256 * 1024;

/**
 * What we know about the MCP file we wrote, kept beside it so it outlives the process. A file is
 * ours exactly when a record says so and the file still hashes as the record says: cursor-agent
 * reads mcp.json itself, so no marker goes into it, and a file the user wrote or changed since
 * never matches. Mode 0600 and git-excluded like the file (`previous` may hold secrets too).
 */
interface McpRecord {
  writer: "cursor-runner";
  /** The runs using the file (the one that wrote it, then any that shared it). */
  runs: string[];
  /** SHA-256 (hex) of the file as written. */
  sha256: string;
  /** The untracked file that was there before ours, put back when ours goes. */
  previous?: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Written beside, then renamed over: a crash leaves the old file or the new one, never half of one. */
async function writeWhole(path: string, content: string): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, content, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

async function readRecord(dir: string): Promise<McpRecord | null> {
  try {
    const value = JSON.parse(await readFile(join(dir, MCP_RECORD), "utf8")) as Partial<McpRecord> | null;
    if (value?.writer !== "cursor-runner" || !Array.isArray(value.runs) || typeof value.sha256 !== "string") return null;
    return value as McpRecord;
  } catch {
    return null;
  }
}

/**
 * The Node side of per-run MCP files and definition-of-done lookups. The MCP file is written with
 * mode 0600 (it may hold resolved secrets) and listed in .git/info/exclude like the trust files;
 * a file the repository tracks is never touched. Beside it goes our record (McpRecord), which lets
 * crash recovery remove exactly the files we wrote and put back what they replaced.
 *
 * @example
 * const files = createWorkspaceFiles({ catalogPath: config.mcp.configPath });
 * await files.write(repoDir, { mcpServers: {} });
 */
export function createWorkspaceFiles(options: { catalogPath?: string | undefined } = {}): McpFiles & TextFiles {
  return {
    async readCatalogue() {
      return JSON.parse(await readFile(options.catalogPath ?? BUNDLED_MCP_CONFIG, "utf8"));
    },

    async write(dir, config, runId): Promise<McpWriteResult> {
      if (await isTracked(dir, MCP_FILE)) return { written: false, reason: `${MCP_FILE} is tracked by the repository` };
      const path = join(dir, MCP_FILE);
      const content = `${JSON.stringify(config, null, 2)}\n`;
      const current = await readFile(path, "utf8").catch(() => undefined);
      // A file of ours that a crashed run left (and recovery did not reach) is not "previous": what it replaced is.
      const stale = current === undefined ? null : await readRecord(dir);
      const previous = stale && current !== undefined && sha256(current) === stale.sha256 ? stale.previous : current;
      await mkdir(dirname(path), { recursive: true });
      await excludeFromGit(dir, [`/${MCP_FILE}`, `/${MCP_RECORD}`], EXCLUDE_HEADER).catch(() => false);
      // The record first: a crash before the file is written leaves a record that no file matches.
      const record: McpRecord = {
        writer: "cursor-runner",
        runs: [runId],
        sha256: sha256(content),
        ...(previous !== undefined ? { previous } : {}),
      };
      await writeWhole(join(dir, MCP_RECORD), JSON.stringify(record));
      await writeWhole(path, content);
      return { written: true, ...(previous !== undefined ? { previous } : {}) };
    },

    async join(dir, runId) {
      const record = await readRecord(dir);
      if (!record || record.runs.includes(runId)) return;
      await writeWhole(join(dir, MCP_RECORD), JSON.stringify({ ...record, runs: [...record.runs, runId] }));
    },

    async remove(dir, previous) {
      const path = join(dir, MCP_FILE);
      if (previous !== undefined) await writeFile(path, previous);
      else await rm(path, { force: true });
      await rm(join(dir, MCP_RECORD), { force: true });
    },

    async recover(dir, runIds): Promise<McpRecovery> {
      const record = await readRecord(dir);
      if (!record) return "none";
      if (!record.runs.some((id) => runIds.includes(id))) return "foreign";
      const path = join(dir, MCP_FILE);
      const current = await readFile(path, "utf8").catch(() => undefined);
      const ours = current !== undefined && sha256(current) === record.sha256 && !(await isTracked(dir, MCP_FILE));
      if (ours && record.previous !== undefined) await writeFile(path, record.previous);
      else if (ours) await rm(path, { force: true });
      await rm(join(dir, MCP_RECORD), { force: true });
      return !ours ? "changed" : record.previous !== undefined ? "restored" : "removed";
    },

    async readText(root, path) {
      try {
        const realRoot = await realpath(root);
        const real = await realpath(resolve(realRoot, path));
        const rel = relative(realRoot, real);
        if (!rel || rel.startsWith("..") || rel.startsWith(sep) || resolve(realRoot, rel) !== real) return null;
        const info = await stat(real);
        if (!info.isFile() || info.size > MAX_TEXT_BYTES) return null;
        return await readFile(real, "utf8");
      } catch {
        return null;
      }
    },
  };
}

async function isTracked(dir: string, filepath: string): Promise<boolean> {
  try {
    const status = await git.status({ fs, dir, filepath });
    return !["absent", "*added", "ignored"].includes(status);
  } catch {
    return false; // not a git repository
  }
}
