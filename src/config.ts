import { z } from "zod";
import { AGENT_NAMES } from "./agents/adapter";
import { CODEX_SANDBOXES } from "./agents/codex";

/**
 * Environment → typed Config, parsed once with zod.
 *
 * Every variable of the original cursor-runner that still has an effect is read here, with the
 * original's defaults. Unlike the original (which silently fell back to defaults on `abc` or `-1`),
 * a malformed value stops start-up with a one-line message naming the variable and what it expects.
 * An empty string counts as unset, as compose files often export `VAR=`.
 *
 * @example
 * const config = loadConfig(process.env, { cwd: process.cwd() });
 */

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

/** A positive (or non-negative) integer variable with a default. */
const int = (what: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const trimmed = raw.trim();
      const value = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
        ctx.addIssue({ code: "custom", message: `expects ${range} (${what}), got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/** A boolean flag: true/false, 1/0, yes/no, on/off in any case. */
const flag = (fallback = false) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = raw.trim().toLowerCase();
      if (TRUE.has(value)) return true;
      if (FALSE.has(value)) return false;
      ctx.addIssue({ code: "custom", message: `expects true or false (also 1/0, yes/no, on/off), got "${raw}"` });
      return z.NEVER;
    });

const text = () => z.string().optional();

const oneOf = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = raw.trim().toLowerCase() as T;
      if (values.includes(value)) return value;
      ctx.addIssue({ code: "custom", message: `expects one of ${values.join(", ")}, got "${raw}"` });
      return z.NEVER;
    });

const url = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      try {
        return new URL(raw).toString();
      } catch {
        ctx.addIssue({ code: "custom", message: `expects an absolute URL such as http://host:port, got "${raw}"` });
        return z.NEVER;
      }
    });

const list = () =>
  z
    .string()
    .optional()
    .transform((raw) =>
      (raw ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    );

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

const envSchema = z.object({
  NODE_ENV: text(),
  PORT: int("TCP port", 3001, 1, 65535),
  HOST: text(),
  RUNNER_API_TOKENS: list(),
  MAX_BODY_BYTES: int("bytes", 1024 * 1024),
  LOG_LEVEL: oneOf(LOG_LEVELS, "info"),
  SHUTDOWN_GRACE_MS: int("milliseconds", 10_000),

  DATABASE_URL: z
    .string()
    .optional()
    .refine((raw) => raw === undefined || /^(file:|https?:\/\/|libsql:\/\/|wss?:\/\/)/.test(raw), {
      message: "expects a file:, http(s)://, ws(s):// or libsql:// URL",
    }),
  DATABASE_AUTH_TOKEN: text(),
  SHARED_DB_PATH: text(),

  CURSOR_CLI_PATH: text(),
  CURSOR_CLI_TIMEOUT: int("milliseconds", 1_800_000),
  CURSOR_CLI_IDLE_TIMEOUT: int("milliseconds", 600_000),
  CURSOR_CLI_MAX_OUTPUT_SIZE: int("bytes", 10 * 1024 * 1024),
  CURSOR_CLI_MAX_CONCURRENT: int("number of concurrent runs", 0, 1, 1000).optional(),
  CURSOR_CLI_MAX_QUEUE: int("number of waiting runs", 100, 0, 100_000),
  CURSOR_RUNNER_LOW_RESOURCE: flag(),
  CURSOR_RUNNER_USE_PTY: flag(),
  CURSOR_OUTPUT_FORMAT: oneOf(["stream-json", "text"] as const, "stream-json"),
  CURSOR_CLI_ITERATE_TIMEOUT: int("milliseconds", 1_800_000),
  DEFAULT_AGENT: oneOf(AGENT_NAMES, "cursor"),
  CLAUDE_CLI_PATH: text(),
  CLAUDE_ALLOWED_TOOLS: list(),
  CODEX_CLI_PATH: text(),
  CODEX_SANDBOX: oneOf(CODEX_SANDBOXES, "workspace-write"),
  GEMINI_CLI_PATH: text(),
  OPENCODE_CLI_PATH: text(),
  CURSOR_CLI_DIAGNOSTIC_TIMEOUT: int("milliseconds", 1_200_000),
  REVIEW_AGENT: text(),
  REVIEW_AGENT_CLI_PATH: text(),
  ITERATE_MAX_ITERATIONS: int("iterations", 5, 1, 50),
  ITERATE_MAX_DURATION_MS: int("milliseconds", 14_400_000),
  MCP_CONFIG_PATH: text(),
  OPENAI_BASE_URL: url(),
  RUN_MAX_EVENTS: int("events kept per run", 5000),
  RUN_EVENT_MAX_CHARS: int("characters per event field", 64 * 1024),
  RUN_LINGER_MS: int("milliseconds an agent may linger after its result", 3000, 0),
  RUN_KILL_GRACE_MS: int("milliseconds between SIGTERM and SIGKILL", 1000, 0),
  RUN_HEARTBEAT_MS: int("milliseconds", 10_000),
  RUN_STALE_AFTER_MS: int("milliseconds", 30_000),

  TARGET_APP_PATH: text(),
  TARGET_APP_TYPE: oneOf(["rails", "node"] as const, "rails"),
  TARGET_APP_TIMEOUT: int("milliseconds", 600_000),
  REPOSITORIES_PATH: text(),
  SCRIPTS_PATH: text(),
  CURSOR_AGENTS_TOOLS_PATH: text(),

  GIT_COMMAND_TIMEOUT: int("milliseconds", 60_000),
  GITHUB_TOKEN: text(),
  GITHUB_PAT: text(),
  GIT_TOKEN: text(),
  GITHUB_USERNAME: text(),
  GIT_USERNAME: text(),
  GIT_USER_NAME: text(),
  GIT_USER_EMAIL: text(),
  GITHUB_EMAIL: text(),
  GIT_TOKEN_HOSTS: list(),

  TERMINAL_COMMAND_TIMEOUT: int("milliseconds", 300_000),
  TERMINAL_MAX_OUTPUT_SIZE: int("bytes", 10 * 1024 * 1024),
  TERMINAL_ALLOWED_COMMANDS: list(),
  TERMINAL_BLOCKED_COMMANDS: list(),
  FILE_TREE_MAX_ENTRIES: int("entries per listing", 50_000),

  JAREK_VA_URL: url(),
  WEBHOOK_SECRET: text(),
  CALLBACK_ALLOWED_HOSTS: list(),
  ELEVENLABS_AGENT_ENABLED: flag(),
  CALLBACK_MAX_ATTEMPTS: int("attempts per callback", 6, 1, 100),
  CALLBACK_RETRY_BASE_MS: int("milliseconds before the first retry", 20_000, 0),
  CALLBACK_RETRY_MAX_MS: int("milliseconds, longest wait between retries", 600_000, 0),
  CALLBACK_TIMEOUT_MS: int("milliseconds per callback attempt", 30_000),
  CALLBACK_POLL_MS: int("milliseconds between outbox polls", 1000),

  REDIS_URL: z
    .string()
    .optional()
    .refine((raw) => raw === undefined || /^rediss?:\/\//.test(raw), {
      message: "expects a redis:// or rediss:// URL",
    }),
  UPSTASH_REDIS_REST_URL: url(),
  UPSTASH_REDIS_REST_TOKEN: text(),
  WS_PING_INTERVAL_MS: int("milliseconds between WebSocket pings", 30_000),
  WS_MAX_BUFFERED_BYTES: int("bytes a WebSocket client may fall behind", 4 * 1024 * 1024),

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

  DEBUG: text(),
  OPENAI_API_KEY: text(),
  FRONTEND_URL: text(),
  ENABLE_GMAIL_MCP: flag(),
  ENABLE_ATLASSIAN_MCP: flag(),
});

export type Config = ReturnType<typeof buildConfig>;

export interface LoadConfigOptions {
  /** Base for relative defaults (`./data`, `./repositories`). */
  cwd: string;
}

/** Parses the environment; throws ConfigError with one line naming every bad variable. */
export function loadConfig(env: Env, options: LoadConfigOptions): Config {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  return buildConfig(parsed.data, options);
}

/**
 * Which executor runs agents: EXECUTOR wins; without it, SIDECAR_URL alone selects the sidecar.
 * The sidecar needs both its URL and its token, or start-up stops here with a clear message.
 */
function executorConfig(e: z.infer<typeof envSchema>) {
  const kind = e.EXECUTOR ?? (e.SIDECAR_URL ? "sidecar" : "local");
  if (kind === "local") return { kind } as const;
  const why = e.EXECUTOR ? "EXECUTOR=sidecar" : "SIDECAR_URL is set";
  if (!e.SIDECAR_URL) throw new ConfigError(`Invalid configuration: SIDECAR_URL is required when ${why}`);
  if (!e.SIDECAR_TOKEN) throw new ConfigError(`Invalid configuration: SIDECAR_TOKEN is required when ${why}`);
  return { kind, url: e.SIDECAR_URL, token: e.SIDECAR_TOKEN } as const;
}

function joinPath(base: string, relative: string): string {
  if (relative.startsWith("/")) return relative;
  return `${base.replace(/\/+$/, "")}/${relative.replace(/^\.\//, "")}`;
}

function buildConfig(e: z.infer<typeof envSchema>, { cwd }: LoadConfigOptions) {
  const targetAppPath = e.TARGET_APP_PATH;
  /** §10.1: explicit env var wins; else relative to TARGET_APP_PATH; else the default. */
  const resolvePath = (explicit: string | undefined, relative: string, fallback: string) =>
    explicit ? joinPath(cwd, explicit) : targetAppPath ? joinPath(joinPath(cwd, targetAppPath), relative) : fallback;

  const databaseUrl =
    e.DATABASE_URL ??
    (e.SHARED_DB_PATH ? `file:${joinPath(cwd, e.SHARED_DB_PATH)}` : `file:${joinPath(cwd, "data/cursor-runner.db")}`);

  const repositoriesPath = resolvePath(e.REPOSITORIES_PATH, "repositories", joinPath(cwd, "repositories"));
  const authEnabled = e.RUNNER_API_TOKENS.length > 0;
  const isDevelopment = e.NODE_ENV === "development";

  return {
    nodeEnv: e.NODE_ENV ?? "production",
    isDevelopment,
    server: {
      port: e.PORT,
      /** Without tokens the service is only reachable from this machine. */
      host: e.HOST ?? (authEnabled ? "0.0.0.0" : "127.0.0.1"),
      hostExplicit: e.HOST !== undefined,
      maxBodyBytes: e.MAX_BODY_BYTES,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    },
    auth: { tokens: e.RUNNER_API_TOKENS, enabled: authEnabled },
    cors: { frontendUrl: e.FRONTEND_URL, reflectAnyOrigin: isDevelopment },
    logLevel: e.LOG_LEVEL,
    database: { url: databaseUrl, authToken: e.DATABASE_AUTH_TOKEN },
    cursor: {
      cliPath: e.CURSOR_CLI_PATH ?? "cursor-agent",
      timeoutMs: e.CURSOR_CLI_TIMEOUT,
      idleTimeoutMs: e.CURSOR_CLI_IDLE_TIMEOUT,
      maxOutputBytes: e.CURSOR_CLI_MAX_OUTPUT_SIZE,
      outputFormat: e.CURSOR_OUTPUT_FORMAT,
      usePty: e.CURSOR_RUNNER_USE_PTY,
      iterateTimeoutMs: e.CURSOR_CLI_ITERATE_TIMEOUT,
    },
    /** The other agent CLIs; a request's `agent` picks one (default DEFAULT_AGENT). */
    agents: {
      default: e.DEFAULT_AGENT,
      claude: {
        cliPath: e.CLAUDE_CLI_PATH ?? "claude",
        /** Empty = the adapter's default list (see CLAUDE_DEFAULT_ALLOWED_TOOLS). */
        allowedTools: e.CLAUDE_ALLOWED_TOOLS,
      },
      codex: { cliPath: e.CODEX_CLI_PATH ?? "codex", sandbox: e.CODEX_SANDBOX },
      gemini: { cliPath: e.GEMINI_CLI_PATH ?? "gemini" },
      opencode: { cliPath: e.OPENCODE_CLI_PATH ?? "opencode" },
    },
    runs: {
      maxEvents: e.RUN_MAX_EVENTS,
      maxEventChars: e.RUN_EVENT_MAX_CHARS,
      lingerMs: e.RUN_LINGER_MS,
      killGraceMs: e.RUN_KILL_GRACE_MS,
      heartbeatMs: e.RUN_HEARTBEAT_MS,
      /** A live run whose owner has not heart-beaten for this long is failed as interrupted. */
      staleAfterMs: e.RUN_STALE_AFTER_MS,
    },
    slots: {
      /** §4.1: an explicit value wins over low-resource mode. */
      maxConcurrent: e.CURSOR_CLI_MAX_CONCURRENT ?? (e.CURSOR_RUNNER_LOW_RESOURCE ? 1 : 5),
      maxQueue: e.CURSOR_CLI_MAX_QUEUE,
    },
    paths: {
      targetApp: targetAppPath ? joinPath(cwd, targetAppPath) : undefined,
      repositories: repositoriesPath,
      scripts: resolvePath(e.SCRIPTS_PATH, "scripts", "/cursor/scripts"),
      cursorAgentsTools: resolvePath(e.CURSOR_AGENTS_TOOLS_PATH, "tools/cursor-agents", "/cursor/tools/cursor-agents"),
    },
    targetApp: { type: e.TARGET_APP_TYPE, timeoutMs: e.TARGET_APP_TIMEOUT },
    git: {
      commandTimeoutMs: e.GIT_COMMAND_TIMEOUT,
      token: e.GITHUB_TOKEN ?? e.GITHUB_PAT ?? e.GIT_TOKEN,
      username: e.GITHUB_USERNAME ?? e.GIT_USERNAME,
      userName: e.GIT_USER_NAME ?? e.GITHUB_USERNAME,
      userEmail: e.GIT_USER_EMAIL ?? e.GITHUB_EMAIL,
      /** Hosts the env token may be offered to (a token must not reach whatever host a clone URL names). */
      tokenHosts: e.GIT_TOKEN_HOSTS.length > 0 ? e.GIT_TOKEN_HOSTS : ["github.com"],
    },
    terminal: {
      timeoutMs: e.TERMINAL_COMMAND_TIMEOUT,
      maxOutputBytes: e.TERMINAL_MAX_OUTPUT_SIZE,
      /** Executable names (not command-line substrings); empty allow list = anything not blocked. */
      allowedCommands: e.TERMINAL_ALLOWED_COMMANDS,
      blockedCommands: e.TERMINAL_BLOCKED_COMMANDS,
    },
    fileTree: { maxEntries: e.FILE_TREE_MAX_ENTRIES },
    callbacks: {
      webhookSecret: e.WEBHOOK_SECRET,
      jarekVaUrl: e.JAREK_VA_URL ?? "http://app:3000/",
      allowedHosts: e.CALLBACK_ALLOWED_HOSTS,
      elevenLabsEnabled: e.ELEVENLABS_AGENT_ENABLED,
      /** Outbox delivery: 6 attempts, waits doubling from 20 s (about 10 minutes in all). */
      retry: {
        maxAttempts: e.CALLBACK_MAX_ATTEMPTS,
        baseDelayMs: e.CALLBACK_RETRY_BASE_MS,
        factor: 2,
        maxDelayMs: e.CALLBACK_RETRY_MAX_MS,
      },
      timeoutMs: e.CALLBACK_TIMEOUT_MS,
      pollMs: e.CALLBACK_POLL_MS,
    },
    redis: {
      url: e.REDIS_URL,
      upstash:
        e.UPSTASH_REDIS_REST_URL && e.UPSTASH_REDIS_REST_TOKEN
          ? { url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN }
          : undefined,
    },
    /** WebSockets (§2.5): a client that misses a ping round or falls this far behind is dropped. */
    realtime: { pingIntervalMs: e.WS_PING_INTERVAL_MS, maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES },
    executor: executorConfig(e),
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
    /** Fallback for the `debug` system setting (§9.3): only "true" or "1". */
    debugFallback: e.DEBUG === "true" || e.DEBUG === "1",
    openaiApiKey: e.OPENAI_API_KEY,
    features: { gmailMcp: e.ENABLE_GMAIL_MCP, atlassianMcp: e.ENABLE_ATLASSIAN_MCP },
    /** Iterate mode (§6): the reviewer defaults to the worker's agent; one diagnostic attempt after a silent hang. */
    iterate: {
      reviewAgent: e.REVIEW_AGENT,
      /** A different executable for the review agent (e.g. a wrapper pinning another model or key). */
      reviewCliPath: e.REVIEW_AGENT_CLI_PATH,
      maxIterations: e.ITERATE_MAX_ITERATIONS,
      maxDurationMs: e.ITERATE_MAX_DURATION_MS,
      diagnosticTimeoutMs: e.CURSOR_CLI_DIAGNOSTIC_TIMEOUT,
    },
    /** MCP catalogue (§10.9): MCP_CONFIG_PATH, else the bundled config/mcp.json. */
    mcp: { configPath: e.MCP_CONFIG_PATH ? joinPath(cwd, e.MCP_CONFIG_PATH) : undefined },
    openaiBaseUrl: (e.OPENAI_BASE_URL ?? "https://api.openai.com/v1").replace(/\/+$/, ""),
  };
}
