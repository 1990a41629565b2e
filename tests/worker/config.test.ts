import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config";
import { loadWorkerConfig } from "../../src/worker/config";
import { nameOnlyWorkspaces } from "../../src/worker/workspaces";

const complete = {
  DATABASE_URL: "libsql://db.example.turso.io",
  DATABASE_AUTH_TOKEN: "db-token",
  UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "redis-token",
  SIDECAR_URL: "https://sidecar.example.com",
  SIDECAR_TOKEN: "sidecar-token",
  REPOSITORIES_PATH: "/srv/repositories",
  // Other bindings (KV, services…) are objects: ignored, not parsed.
  SOME_KV: { get: () => null },
};

describe("Workers configuration", () => {
  it("reads vars and secrets, and keeps no waiting queue", () => {
    const config = loadWorkerConfig({ ...complete, CURSOR_CLI_MAX_QUEUE: "50" });
    expect(config.database).toEqual({ url: "libsql://db.example.turso.io", authToken: "db-token" });
    expect(config.executor).toEqual({ kind: "sidecar", url: "https://sidecar.example.com/", token: "sidecar-token" });
    expect(config.redis.upstash).toEqual({ url: "https://eu1.upstash.io/", token: "redis-token" });
    expect(config.paths.repositories).toBe("/srv/repositories");
    expect(config.slots).toMatchObject({ maxConcurrent: 5, maxQueue: 0 });
  });

  it("names everything a Worker cannot run without, in one message", () => {
    expect(() => loadWorkerConfig({ SOME_KV: {} })).toThrow(ConfigError);
    expect(() => loadWorkerConfig({})).toThrow(
      "Invalid Workers configuration: DATABASE_URL is required (the http(s):// or libsql:// URL of a libSQL server such as sqld or Turso); " +
        "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are required (conversations are kept in Redis over HTTP); " +
        "SIDECAR_URL and SIDECAR_TOKEN are required (agents run on the sidecar runner; Workers cannot start processes); " +
        "REPOSITORIES_PATH must be the absolute path of the repositories on the sidecar host",
    );
  });

  it("refuses databases a Worker cannot open, and Redis over TCP", () => {
    for (const url of ["file:./data/runner.db", "ws://127.0.0.1:8080", "wss://db.example.turso.io"]) {
      expect(() => loadWorkerConfig({ ...complete, DATABASE_URL: url })).toThrow(
        /DATABASE_URL must be http\(s\):\/\/ or libsql:\/\/ on Workers \(got (file|wss?):/,
      );
    }
    const { UPSTASH_REDIS_REST_URL: _url, UPSTASH_REDIS_REST_TOKEN: _token, ...tcp } = complete;
    expect(() => loadWorkerConfig({ ...tcp, REDIS_URL: "redis://cache:6379" })).toThrow(/UPSTASH_REDIS_REST_URL and/);
    expect(() => loadWorkerConfig({ ...complete, SIDECAR_TOKEN: undefined })).toThrow(/SIDECAR_TOKEN is required/);
    expect(() => loadWorkerConfig({ ...complete, REPOSITORIES_PATH: "repositories" })).toThrow(/REPOSITORIES_PATH must be/);
  });
});

describe("name-only workspaces", () => {
  const workspaces = nameOnlyWorkspaces("/srv/repositories/");

  it("joins a valid name to the root and leaves existence to the sidecar", async () => {
    expect(await workspaces.resolve("my-app")).toEqual({ name: "my-app", path: "/srv/repositories/my-app", exists: true });
    expect(await workspaces.resolve("  ", { allowRoot: true })).toEqual({ name: "", path: "/srv/repositories", exists: true });
  });

  it("refuses what the Node resolver refuses by name", async () => {
    for (const name of ["..", "../etc", "a/b", "%2e%2e", "%252e%252e", "．．", "-rf", "a\u0000b"]) {
      await expect(workspaces.resolve(name)).rejects.toMatchObject({ status: 400, message: "Invalid repository name" });
    }
    await expect(workspaces.resolve("")).rejects.toMatchObject({ status: 400, message: "Repository name is required" });
  });
});
