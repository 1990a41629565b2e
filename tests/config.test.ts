import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";

const cwd = "/srv/runner";
const load = (env: Record<string, string | undefined> = {}) => loadConfig(env, { cwd });

/** The ConfigError thrown for `env`. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe("defaults (no environment)", () => {
  const config = load();

  it("matches the original's defaults", () => {
    expect(config.server.port).toBe(3001);
    expect(config.cursor.timeoutMs).toBe(1_800_000);
    expect(config.cursor.idleTimeoutMs).toBe(600_000);
    expect(config.cursor.maxOutputBytes).toBe(10_485_760);
    expect(config.cursor.iterateTimeoutMs).toBe(1_800_000);
    expect(config.cursor.cliPath).toBe("cursor-agent");
    expect(config.cursor.outputFormat).toBe("stream-json");
    expect(config.cursor.usePty).toBe(false);
    expect(config.slots).toMatchObject({ maxConcurrent: 5, maxQueue: 100 });
    expect(config.targetApp).toMatchObject({ type: "rails", timeoutMs: 600_000 });
    expect(config.terminal).toMatchObject({ timeoutMs: 300_000, maxOutputBytes: 10_485_760 });
    expect(config.logLevel).toBe("info");
    expect(config.nodeEnv).toBe("production");
    expect(config.isDevelopment).toBe(false);
    expect(config.debugFallback).toBe(false);
    expect(config.callbacks.jarekVaUrl).toBe("http://app:3000/");
  });

  it("listens on 127.0.0.1 only, without auth", () => {
    expect(config.auth).toEqual({ tokens: [], enabled: false });
    expect(config.server.host).toBe("127.0.0.1");
    expect(config.server.hostExplicit).toBe(false);
    expect(config.server.maxBodyBytes).toBe(1024 * 1024);
  });

  it("keeps its database and repositories under the working directory", () => {
    expect(config.database).toEqual({ url: "file:/srv/runner/data/cursor-runner.db", authToken: undefined });
    expect(config.paths).toMatchObject({
      targetApp: undefined,
      repositories: "/srv/runner/repositories",
      scripts: "/cursor/scripts",
      cursorAgentsTools: "/cursor/tools/cursor-agents",
    });
  });
});

describe("slots", () => {
  it.each(["true", "1", "yes", "ON", " True "])("CURSOR_RUNNER_LOW_RESOURCE=%s → 1 slot", (value) => {
    expect(load({ CURSOR_RUNNER_LOW_RESOURCE: value }).slots.maxConcurrent).toBe(1);
  });

  it.each(["false", "0", "no", "off"])("CURSOR_RUNNER_LOW_RESOURCE=%s → 5 slots", (value) => {
    expect(load({ CURSOR_RUNNER_LOW_RESOURCE: value }).slots.maxConcurrent).toBe(5);
  });

  it("an explicit CURSOR_CLI_MAX_CONCURRENT wins over low-resource mode", () => {
    expect(load({ CURSOR_CLI_MAX_CONCURRENT: "3", CURSOR_RUNNER_LOW_RESOURCE: "true" }).slots.maxConcurrent).toBe(3);
    expect(load({ CURSOR_CLI_MAX_CONCURRENT: "8" }).slots.maxConcurrent).toBe(8);
  });

  it("reads CURSOR_CLI_MAX_QUEUE, including 0", () => {
    expect(load({ CURSOR_CLI_MAX_QUEUE: "0" }).slots.maxQueue).toBe(0);
    expect(load({ CURSOR_CLI_MAX_QUEUE: "12" }).slots.maxQueue).toBe(12);
  });
});

describe("explicit values", () => {
  it("reads numbers (surrounding spaces allowed) and strings", () => {
    const config = load({
      PORT: " 8080 ",
      CURSOR_CLI_TIMEOUT: "5000",
      CURSOR_CLI_IDLE_TIMEOUT: "2500",
      CURSOR_CLI_MAX_OUTPUT_SIZE: "1024",
      CURSOR_CLI_PATH: "/opt/cursor/bin/cursor-agent",
      LOG_LEVEL: "WARN",
      NODE_ENV: "development",
      TARGET_APP_TYPE: "node",
      MAX_BODY_BYTES: "2048",
    });
    expect(config.server.port).toBe(8080);
    expect(config.cursor).toMatchObject({
      timeoutMs: 5000,
      idleTimeoutMs: 2500,
      maxOutputBytes: 1024,
      cliPath: "/opt/cursor/bin/cursor-agent",
    });
    expect(config.logLevel).toBe("warn");
    expect(config.isDevelopment).toBe(true);
    expect(config.cors.reflectAnyOrigin).toBe(true);
    expect(config.targetApp.type).toBe("node");
    expect(config.server.maxBodyBytes).toBe(2048);
  });

  it("accepts the port range edges", () => {
    expect(load({ PORT: "1" }).server.port).toBe(1);
    expect(load({ PORT: "65535" }).server.port).toBe(65535);
  });

  it("takes the first git token set (GITHUB_TOKEN, GITHUB_PAT, GIT_TOKEN)", () => {
    expect(load({ GIT_TOKEN: "c", GITHUB_PAT: "b" }).git.token).toBe("b");
    expect(load({ GIT_TOKEN: "c", GITHUB_PAT: "b", GITHUB_TOKEN: "a" }).git.token).toBe("a");
    expect(load({ GIT_TOKEN: "c" }).git.token).toBe("c");
  });

  it("treats only DEBUG=true or DEBUG=1 as the debug fallback", () => {
    expect(load({ DEBUG: "true" }).debugFallback).toBe(true);
    expect(load({ DEBUG: "1" }).debugFallback).toBe(true);
    expect(load({ DEBUG: "yes" }).debugFallback).toBe(false);
    expect(load({ DEBUG: "cursor:*" }).debugFallback).toBe(false);
  });

  it("adds FRONTEND_URL to the CORS origins", () => {
    expect(load({ FRONTEND_URL: "https://app.example.com" }).cors).toEqual({
      frontendUrl: "https://app.example.com",
      reflectAnyOrigin: false,
    });
  });
});

describe("paths (§10.1)", () => {
  it("an explicit REPOSITORIES_PATH wins, relative to the working directory when relative", () => {
    expect(load({ REPOSITORIES_PATH: "/data/repos", TARGET_APP_PATH: "/cursor" }).paths.repositories).toBe("/data/repos");
    expect(load({ REPOSITORIES_PATH: "./repos" }).paths.repositories).toBe("/srv/runner/repos");
    expect(load({ REPOSITORIES_PATH: "repos" }).paths.repositories).toBe("/srv/runner/repos");
  });

  it("otherwise everything lives under TARGET_APP_PATH", () => {
    expect(load({ TARGET_APP_PATH: "/cursor" }).paths).toMatchObject({
      targetApp: "/cursor",
      repositories: "/cursor/repositories",
      scripts: "/cursor/scripts",
      cursorAgentsTools: "/cursor/tools/cursor-agents",
    });
    expect(load({ TARGET_APP_PATH: "target" }).paths.repositories).toBe("/srv/runner/target/repositories");
  });

  it("SCRIPTS_PATH and CURSOR_AGENTS_TOOLS_PATH override their defaults", () => {
    const paths = load({ TARGET_APP_PATH: "/cursor", SCRIPTS_PATH: "/s", CURSOR_AGENTS_TOOLS_PATH: "/t" }).paths;
    expect(paths).toMatchObject({ repositories: "/cursor/repositories", scripts: "/s", cursorAgentsTools: "/t" });
  });
});

describe("database", () => {
  it("DATABASE_URL wins over SHARED_DB_PATH", () => {
    const config = load({
      DATABASE_URL: "libsql://db.example.com",
      SHARED_DB_PATH: "/shared/db.sqlite3",
      DATABASE_AUTH_TOKEN: "t",
    });
    expect(config.database).toEqual({ url: "libsql://db.example.com", authToken: "t" });
  });

  it("SHARED_DB_PATH becomes a file: URL (relative to the working directory when relative)", () => {
    expect(load({ SHARED_DB_PATH: "/app/shared_db/shared.sqlite3" }).database.url).toBe("file:/app/shared_db/shared.sqlite3");
    expect(load({ SHARED_DB_PATH: "db/shared.sqlite3" }).database.url).toBe("file:/srv/runner/db/shared.sqlite3");
  });

  it.each(["file:/tmp/x.db", "http://127.0.0.1:8080", "https://db.example.com", "libsql://x.turso.io", "ws://h", "wss://h"])(
    "accepts DATABASE_URL=%s",
    (url) => {
      expect(load({ DATABASE_URL: url }).database.url).toBe(url);
    },
  );
});

describe("host and auth", () => {
  it("listens on 0.0.0.0 once tokens are set, and trims the token list", () => {
    const config = load({ RUNNER_API_TOKENS: " a , b ,," });
    expect(config.auth).toEqual({ tokens: ["a", "b"], enabled: true });
    expect(config.server.host).toBe("0.0.0.0");
  });

  it("an explicit HOST wins either way", () => {
    expect(load({ HOST: "0.0.0.0" }).server).toMatchObject({ host: "0.0.0.0", hostExplicit: true });
    expect(load({ HOST: "127.0.0.1", RUNNER_API_TOKENS: "a" }).server).toMatchObject({ host: "127.0.0.1", hostExplicit: true });
  });

  it("a token list of only commas means no auth", () => {
    expect(load({ RUNNER_API_TOKENS: ", ," }).auth.enabled).toBe(false);
  });
});

describe("an empty string counts as unset", () => {
  it("for every kind of variable", () => {
    const config = load({
      PORT: "",
      HOST: "",
      DATABASE_URL: "",
      SHARED_DB_PATH: "",
      CURSOR_CLI_TIMEOUT: "",
      CURSOR_CLI_MAX_CONCURRENT: "",
      CURSOR_RUNNER_LOW_RESOURCE: "",
      LOG_LEVEL: "",
      RUNNER_API_TOKENS: "",
      REPOSITORIES_PATH: "",
      JAREK_VA_URL: "",
      REDIS_URL: "",
    });
    expect(config).toEqual(load());
  });
});

describe("malformed values", () => {
  it.each([
    ["CURSOR_CLI_TIMEOUT", "abc", /CURSOR_CLI_TIMEOUT expects an integer >= 1 \(milliseconds\), got "abc"/],
    ["CURSOR_CLI_TIMEOUT", "12abc", /CURSOR_CLI_TIMEOUT expects an integer/],
    ["CURSOR_CLI_TIMEOUT", "1.5", /CURSOR_CLI_TIMEOUT expects an integer/],
    ["CURSOR_CLI_TIMEOUT", "0", /CURSOR_CLI_TIMEOUT expects an integer >= 1/],
    ["PORT", "-1", /PORT expects an integer from 1 to 65535 \(TCP port\), got "-1"/],
    ["PORT", "70000", /PORT expects an integer from 1 to 65535 \(TCP port\), got "70000"/],
    ["PORT", "0", /PORT expects an integer from 1 to 65535/],
    ["CURSOR_CLI_MAX_CONCURRENT", "0", /CURSOR_CLI_MAX_CONCURRENT expects an integer from 1 to 1000/],
    ["CURSOR_CLI_MAX_QUEUE", "-1", /CURSOR_CLI_MAX_QUEUE expects an integer from 0 to 100000/],
    ["CURSOR_RUNNER_LOW_RESOURCE", "maybe", /CURSOR_RUNNER_LOW_RESOURCE expects true or false .*got "maybe"/],
    ["DATABASE_URL", "postgres://x", /DATABASE_URL expects a file:, http\(s\):\/\/, ws\(s\):\/\/ or libsql:\/\/ URL/],
    ["LOG_LEVEL", "loud", /LOG_LEVEL expects one of trace, debug, info, warn, error, fatal, silent, got "loud"/],
    ["REDIS_URL", "http://redis", /REDIS_URL expects a redis:\/\/ or rediss:\/\/ URL/],
    ["JAREK_VA_URL", "not a url", /JAREK_VA_URL expects an absolute URL/],
    ["MAX_BODY_BYTES", "1MB", /MAX_BODY_BYTES expects an integer >= 1 \(bytes\)/],
  ])("%s=%s throws a one-line ConfigError naming it", (name, value, message) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe("ConfigError");
    expect(error.message).not.toContain("\n");
    expect(error.message).toMatch(/^Invalid configuration: /);
    expect(error.message).toMatch(message);
  });

  it("names every bad variable in the one line", () => {
    const error = configError({ PORT: "-1", CURSOR_CLI_TIMEOUT: "abc", CURSOR_RUNNER_LOW_RESOURCE: "maybe" });
    expect(error.message).not.toContain("\n");
    for (const name of ["PORT", "CURSOR_CLI_TIMEOUT", "CURSOR_RUNNER_LOW_RESOURCE"]) expect(error.message).toContain(name);
  });

  it("ignores variables it does not know", () => {
    expect(() => load({ SOMETHING_ELSE: "whatever", PATH: "/usr/bin" })).not.toThrow();
  });
});

describe("the live desktop view (DESKTOP_VNC*)", () => {
  it("is on by default, with our own x11vnc, four viewers and a password generated per start", () => {
    expect(load().vnc).toEqual({ enabled: true, external: undefined, password: undefined, maxViewers: 4, x11vncPath: "x11vnc" });
  });

  it("reads an existing server's address (vnc://, tcp:// or host:port; port 5900 by default) and password", () => {
    expect(load({ DESKTOP_VNC_URL: "vnc://10.0.0.5:5901", DESKTOP_VNC_PASSWORD: "pw" }).vnc).toMatchObject({
      external: { host: "10.0.0.5", port: 5901 },
      password: "pw",
    });
    expect(load({ DESKTOP_VNC_URL: "desktop" }).vnc.external).toEqual({ host: "desktop", port: 5900 });
    expect(load({ DESKTOP_VNC_URL: "tcp://[::1]:5902" }).vnc.external).toEqual({ host: "::1", port: 5902 });
    expect(load({ DESKTOP_VNC: "off", DESKTOP_VNC_MAX_VIEWERS: "2" }).vnc).toMatchObject({ enabled: false, maxViewers: 2 });
  });

  it("refuses a malformed address or viewer count with one line", () => {
    expect(() => load({ DESKTOP_VNC_URL: "http://x:1" })).toThrow(
      'Invalid configuration: DESKTOP_VNC_URL expects vnc://host:port (e.g. vnc://127.0.0.1:5900), got "http://x:1"',
    );
    expect(() => load({ DESKTOP_VNC_URL: "vnc://x:70000" })).toThrow(/DESKTOP_VNC_URL expects vnc:\/\/host:port/);
    expect(() => load({ DESKTOP_VNC_MAX_VIEWERS: "0" })).toThrow(/DESKTOP_VNC_MAX_VIEWERS expects an integer from 1 to 64/);
    expect(() => load({ DESKTOP_VNC: "maybe" })).toThrow(/DESKTOP_VNC expects true or false/);
  });
});
