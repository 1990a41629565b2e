// Node-only: reads and writes workspace files (per-run MCP config, definition-of-done sources).
import fs from "node:fs";
import { chmod, mkdir, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import git from "isomorphic-git";
import type { McpFiles, McpWriteResult } from "../mcp/types";
import type { TextFiles } from "../runs/iterate/definition-of-done";
import { excludeFromGit } from "./git-exclude";

/** The bundled catalogue (§10.9.1), used when MCP_CONFIG_PATH is unset. */
export const BUNDLED_MCP_CONFIG = fileURLToPath(new URL("../../config/mcp.json", import.meta.url));

const MCP_FILE = ".cursor/mcp.json";
/** Larger files are not definitions of done. */
const MAX_TEXT_BYTES = 256 * 1024;

/**
 * The Node side of per-run MCP files and definition-of-done lookups. The MCP file is written with
 * mode 0600 (it may hold resolved secrets) and listed in .git/info/exclude like the trust files;
 * a file the repository tracks is never touched.
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

    async write(dir, config): Promise<McpWriteResult> {
      if (await isTracked(dir, MCP_FILE)) return { written: false, reason: `${MCP_FILE} is tracked by the repository` };
      const path = join(dir, MCP_FILE);
      const previous = await readFile(path, "utf8").catch(() => undefined);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      await chmod(path, 0o600);
      await excludeFromGit(dir, [`/${MCP_FILE}`], "# cursor-runner per-run MCP config").catch(() => false);
      return { written: true, ...(previous !== undefined ? { previous } : {}) };
    },

    async remove(dir, previous) {
      const path = join(dir, MCP_FILE);
      if (previous !== undefined) await writeFile(path, previous);
      else await rm(path, { force: true });
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
