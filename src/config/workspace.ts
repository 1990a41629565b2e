import { type BuildContext, type EnvValues, int, joinPath, list, oneOf, text } from "./parse";

/** Where repositories, scripts and the target app live; the terminal service and file trees. */
export const workspaceEnv = {
  TARGET_APP_PATH: text(),
  TARGET_APP_TYPE: oneOf(["rails", "node"] as const, "rails"),
  TARGET_APP_TIMEOUT: int("milliseconds", 600_000),
  REPOSITORIES_PATH: text(),
  SCRIPTS_PATH: text(),
  CURSOR_AGENTS_TOOLS_PATH: text(),
  TERMINAL_COMMAND_TIMEOUT: int("milliseconds", 300_000),
  TERMINAL_MAX_OUTPUT_SIZE: int("bytes", 10 * 1024 * 1024),
  TERMINAL_ALLOWED_COMMANDS: list(),
  TERMINAL_BLOCKED_COMMANDS: list(),
  FILE_TREE_MAX_ENTRIES: int("entries per listing", 50_000),
};

export function workspaceConfig(e: EnvValues<typeof workspaceEnv>, { cwd }: BuildContext) {
  const targetAppPath = e.TARGET_APP_PATH;
  /** §10.1: explicit env var wins; else relative to TARGET_APP_PATH; else the default. */
  const resolvePath = (explicit: string | undefined, relative: string, fallback: string) =>
    explicit ? joinPath(cwd, explicit) : targetAppPath ? joinPath(joinPath(cwd, targetAppPath), relative) : fallback;
  return {
    paths: {
      targetApp: targetAppPath ? joinPath(cwd, targetAppPath) : undefined,
      repositories: resolvePath(e.REPOSITORIES_PATH, "repositories", joinPath(cwd, "repositories")),
      scripts: resolvePath(e.SCRIPTS_PATH, "scripts", "/cursor/scripts"),
      cursorAgentsTools: resolvePath(e.CURSOR_AGENTS_TOOLS_PATH, "tools/cursor-agents", "/cursor/tools/cursor-agents"),
    },
    targetApp: { type: e.TARGET_APP_TYPE, timeoutMs: e.TARGET_APP_TIMEOUT },
    terminal: {
      timeoutMs: e.TERMINAL_COMMAND_TIMEOUT,
      maxOutputBytes: e.TERMINAL_MAX_OUTPUT_SIZE,
      /** Executable names (not command-line substrings); empty allow list = anything not blocked. */
      allowedCommands: e.TERMINAL_ALLOWED_COMMANDS,
      blockedCommands: e.TERMINAL_BLOCKED_COMMANDS,
    },
    fileTree: { maxEntries: e.FILE_TREE_MAX_ENTRIES },
  };
}
