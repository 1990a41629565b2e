// Node-only: PATH lookups and `--version` probes of agent executables.
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import which from "which";
import type { CliLookup, CliStatus } from "../agents/cli";

/** A `--version` probe that hangs (or prompts) must not hold GET /agents up. */
const VERSION_TIMEOUT_MS = 10_000;

/** Versions by executable path and modification time: a probe spawns a process, an upgrade changes the mtime. */
const versions = new Map<string, Promise<string | undefined>>();

/** The first non-blank line of `<path> --version`, or undefined when it fails. */
function probeVersion(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      path,
      ["--version"],
      { timeout: VERSION_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 64 * 1024, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout) => {
        const line = String(stdout)
          .split("\n")
          .map((text) => text.trim())
          .find(Boolean);
        resolve(error && !line ? undefined : line);
      },
    );
  });
}

async function cachedVersion(path: string): Promise<string | undefined> {
  const mtime = await stat(path).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  const key = `${path}\0${mtime}`;
  let version = versions.get(key);
  if (!version) {
    version = probeVersion(path);
    versions.set(key, version);
  }
  return version;
}

/**
 * Finds an executable the way a spawn would (PATH lookup, or the path as given) and, when asked,
 * reports its `--version`.
 *
 * @example
 * await nodeCliLookup("claude", { variable: "CLAUDE_CLI_PATH", version: true });
 * // { command: "claude", available: true, path: "/usr/local/bin/claude", version: "2.1.197 (Claude Code)" }
 */
export const nodeCliLookup: CliLookup = async (command, { variable, version }) => {
  const path = await which(command, { nothrow: true });
  if (!path) return { command, available: false, error: `${command} was not found on PATH; set ${variable} to its location` };
  const status: CliStatus = { command, available: true, path };
  if (version) {
    const found = await cachedVersion(path);
    if (found) status.version = found;
  }
  return status;
};
