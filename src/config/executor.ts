import { type BuildContext, ConfigError, type EnvValues, int, joinPath, list, oneOf, text, url } from "./parse";

/** Which executor runs processes (local or sidecar), and the sidecar entry's own settings. */
export const executorEnv = {
  EXECUTOR: oneOf(["local", "sidecar"] as const, "local").optional(),
  SIDECAR_URL: url(),
  SIDECAR_TOKEN: text(),
  SIDECAR_HOST: text(),
  SIDECAR_PORT: int("TCP port", 3002, 1, 65535),
  SIDECAR_ROOT: text(),
  SIDECAR_ALLOWED_COMMANDS: list(),
  SIDECAR_MAX_PROCESSES: int("number of processes the sidecar runs at once", 32, 1, 10_000),
  SIDECAR_MAX_RESULTS: int("finished processes the sidecar remembers", 256, 1, 100_000),
  SIDECAR_RESULT_TTL_MS: int("milliseconds the sidecar keeps a result", 600_000),
};

/**
 * Which executor runs agents: EXECUTOR wins; without it, SIDECAR_URL alone selects the sidecar.
 * The sidecar needs both its URL and its token, or start-up stops here with a clear message.
 */
function executorKind(e: EnvValues<typeof executorEnv>) {
  const kind = e.EXECUTOR ?? (e.SIDECAR_URL ? "sidecar" : "local");
  if (kind === "local") return { kind } as const;
  const why = e.EXECUTOR ? "EXECUTOR=sidecar" : "SIDECAR_URL is set";
  if (!e.SIDECAR_URL) throw new ConfigError(`Invalid configuration: SIDECAR_URL is required when ${why}`);
  if (!e.SIDECAR_TOKEN) throw new ConfigError(`Invalid configuration: SIDECAR_TOKEN is required when ${why}`);
  return { kind, url: e.SIDECAR_URL, token: e.SIDECAR_TOKEN } as const;
}

export function executorConfig(
  e: EnvValues<typeof executorEnv>,
  { cwd, repositoriesPath }: BuildContext & { repositoriesPath: string },
) {
  return {
    executor: executorKind(e),
    /** The sidecar entry (src/node/sidecar.ts): where it listens, and the only tree it runs processes in. */
    sidecar: {
      token: e.SIDECAR_TOKEN,
      host: e.SIDECAR_HOST ?? "127.0.0.1",
      port: e.SIDECAR_PORT,
      root: e.SIDECAR_ROOT ? joinPath(cwd, e.SIDECAR_ROOT) : repositoriesPath,
      allowedCommands: e.SIDECAR_ALLOWED_COMMANDS,
      maxProcesses: e.SIDECAR_MAX_PROCESSES,
      maxResults: e.SIDECAR_MAX_RESULTS,
      resultTtlMs: e.SIDECAR_RESULT_TTL_MS,
    },
  };
}
