// Node-only: writes trust files into a workspace on disk.
import fs from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import git from "isomorphic-git";
import type { Logger } from "../log";
import { excludeFromGit, gitDirOf } from "./git-exclude";

/** The files §10.5 manages, relative to the workspace. */
export const TRUST_FILES = [".vscode/settings.json", ".cursor/settings.json", ".cursor/cli.json"] as const;

const VSCODE_TRUST = {
  "security.workspace.trust.enabled": true,
  "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.untrustedFiles": "open",
  "security.workspace.trust.banner": "never",
  "security.workspace.trust.emptyWindow": true,
};

const CURSOR_TRUST = {
  "security.workspace.trust.enabled": true,
  "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.untrustedFiles": "open",
};

const CLI_ALLOW = [
  "Shell(git)",
  "Shell(bash)",
  "Shell(sh)",
  "Shell(chmod)",
  "Shell(echo)",
  "Shell(rm)",
  "Shell(rmdir)",
  "Shell(mv)",
  "Shell(cp)",
  "FileSystem(delete)",
  "FileSystem(write)",
  "FileSystem(read)",
];

export interface TrustResult {
  /** Files created or changed. */
  written: string[];
  /** Files the repository tracks: left untouched, as editing them would end up in the user's commits. */
  skipped: string[];
  /** Whether .git/info/exclude now lists the trust files. */
  excluded: boolean;
  /** Problems met (never thrown: a run must not fail over trust files). */
  errors: string[];
}

/**
 * Writes §10.5's workspace-trust settings into `dir` before a run and lists them in
 * .git/info/exclude, so `git add -A` (ours or the agent's) never commits them. A trust file the
 * repository already tracks is left alone (exclude cannot hide edits to it). Never throws.
 *
 * @example
 * await ensureWorkspaceTrust(repo.path, { log });
 */
export async function ensureWorkspaceTrust(dir: string, options: { log?: Logger } = {}): Promise<TrustResult> {
  const result: TrustResult = { written: [], skipped: [], excluded: false, errors: [] };
  const tracked = await trackedFiles(dir);
  const steps: [string, () => Promise<boolean>][] = [
    [".vscode/settings.json", () => mergeJson(join(dir, ".vscode/settings.json"), (json) => Object.assign(json, VSCODE_TRUST))],
    [".cursor/settings.json", () => createIfAbsent(join(dir, ".cursor/settings.json"), CURSOR_TRUST)],
    [".cursor/cli.json", () => mergeJson(join(dir, ".cursor/cli.json"), ensureCliPermissions)],
  ];
  for (const [file, step] of steps) {
    if (tracked.has(file)) {
      result.skipped.push(file);
      continue;
    }
    try {
      if (await step()) result.written.push(file);
    } catch (error) {
      result.errors.push(`${file}: ${(error as Error).message}`);
    }
  }
  try {
    result.excluded = await excludeFromGit(
      dir,
      TRUST_FILES.map((file) => `/${file}`),
      "# cursor-runner workspace trust",
    );
  } catch (error) {
    result.errors.push(`.git/info/exclude: ${(error as Error).message}`);
  }
  if (result.errors.length > 0) options.log?.warn({ dir, errors: result.errors }, "Workspace trust incomplete");
  return result;
}

type Json = Record<string, unknown>;

/** Reads `path` (a parse failure starts from {}), applies `change`, writes only when it differs. */
async function mergeJson(path: string, change: (json: Json) => Json): Promise<boolean> {
  const before = await readFile(path, "utf8").catch(() => undefined);
  let json: Json = {};
  try {
    const parsed = before === undefined ? {} : JSON.parse(before);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed;
  } catch {
    json = {};
  }
  const after = `${JSON.stringify(change(json), null, 2)}\n`;
  if (after === before) return false;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, after);
  return true;
}

async function createIfAbsent(path: string, content: Json): Promise<boolean> {
  if (await exists(path)) return false;
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, `${JSON.stringify(content, null, 2)}\n`, { flag: "wx" });
  } catch (error) {
    // Another run preparing the same workspace created it first: that is the outcome we wanted.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  return true;
}

function ensureCliPermissions(json: Json): Json {
  const permissions = (json.permissions && typeof json.permissions === "object" ? json.permissions : {}) as Json;
  const allow = Array.isArray(permissions.allow) ? (permissions.allow as unknown[]) : [];
  for (const entry of CLI_ALLOW) if (!allow.includes(entry)) allow.push(entry);
  permissions.allow = allow;
  if (!Array.isArray(permissions.deny)) permissions.deny = [];
  json.permissions = permissions;
  return json;
}

async function trackedFiles(dir: string): Promise<Set<string>> {
  if (!(await gitDirOf(dir))) return new Set();
  try {
    return new Set(await git.listFiles({ fs, dir }));
  } catch {
    return new Set();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
