import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../support/server-process";

/**
 * An answer sent before the request body was read (413 from the body limit, 415, 401 on a large
 * body) must not leave a keep-alive client with a dead socket: its next requests succeed.
 * The client is Node's global fetch (undici's default agent, keep-alive on).
 */
describe("keep-alive clients after an answer that skipped the body", () => {
  const TOKEN = "tok-keepalive";
  const auth = { Authorization: `Bearer ${TOKEN}` };
  let dir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-keepalive-"));
    server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: dir,
      RUNNER_API_TOKENS: TOKEN,
      LOG_LEVEL: "warn",
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Three requests in a row on the client's pool: each must answer. */
  const threeMore = async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/health/queue`, { headers: auth });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  };

  const big = JSON.stringify({ prompt: "x".repeat(2 * 1024 * 1024) });

  it.each([
    ["413 for a 2 MiB body", { "Content-Type": "application/json", ...auth }, 413],
    ["415 for a non-JSON body", { "Content-Type": "text/plain", ...auth }, 415],
    ["401 for a large body without a token", { "Content-Type": "application/json" }, 401],
  ])("%s, then three more requests succeed", async (_name, headers, status) => {
    // Under the body limit for the 415, so the type is what is refused.
    const body = status === 415 ? "y".repeat(512 * 1024) : big;
    const res = await fetch(`${server.url}/cursor/execute`, { method: "POST", headers, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { success: boolean }).success).toBe(false);
    expect(await threeMore()).toEqual([200, 200, 200]);
  });

  it("keeps the connection open after an answer whose body was read", async () => {
    const res = await fetch(`${server.url}/cursor/execute`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...auth },
      body: JSON.stringify({}),
    });
    expect(res.status).toBe(400);
    // Node says keep-alive; Bun leaves HTTP/1.1's default unsaid. Neither closes.
    expect(res.headers.get("connection")).not.toBe("close");
    await res.arrayBuffer();
    expect(await threeMore()).toEqual([200, 200, 200]);
  });
});
