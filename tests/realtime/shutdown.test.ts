import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { postJson, startServerProcess } from "../support/server-process";
import { connect } from "./client";

const dir = mkdtempSync(join(tmpdir(), "runner-ws-shutdown-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("says goodbye (1001) to open WebSockets on SIGTERM and exits cleanly", async () => {
  const server = await startServerProcess({ DATABASE_URL: `file:${join(dir, "db.sqlite")}`, LOG_LEVEL: "info" });
  const { conversationId } = (await postJson(`${server.url}/api/new`, {})).body;
  const socket = await connect(`${server.url.replace("http://", "ws://")}/api/ws?conversationId=${conversationId}`);
  await socket.next((f) => f.type === "conversation.snapshot");
  expect(await server.stop()).toBe(0);
  expect(await socket.closed).toEqual({ code: 1001, reason: "Server shutting down" });
  expect(server.output()).toContain("cursor-runner shut down successfully");
});
