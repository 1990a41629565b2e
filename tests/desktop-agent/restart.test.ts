// A desktop task survives its server: the real server process is killed (SIGKILL) during a model call,
// a new one over the same database recovers the task and the loop resumes from the stored messages.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desktopEnv } from "../desktop/suite";
import { imagesOf, type ModelServer, startModelServer } from "../support/model-server";
import { postJson, type ServerProcess, startServerProcess } from "../support/server-process";
import { readSse } from "../support/sse";
import { startTestDisplay, type TestDisplay } from "../support/xvfb";
import { completed, type Json, openTerminal, PROVIDERS, readIfThere, sequence, tool, waitFor } from "./harness";

describe("a desktop task whose server is killed mid-task", () => {
  let x: TestDisplay;
  let server: ModelServer;
  const dir = mkdtempSync(join(tmpdir(), "desktop-agent-restart-"));

  beforeAll(async () => {
    x = await startTestDisplay({ windowManager: true });
    server = await startModelServer();
  });
  afterAll(async () => {
    await server?.close();
    await x?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is recovered by the next server and resumes from its stored conversation", async () => {
    const provider = PROVIDERS[0]!; // Anthropic Messages
    const work = join(dir, "work");
    const filesRoot = join(dir, "files");
    mkdirSync(filesRoot, { recursive: true });
    const terminal = await openTerminal(x, work, "restart-term");
    const env = {
      ...desktopEnv(x, filesRoot),
      ...provider.env(server),
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      RUN_HEARTBEAT_MS: "200",
      RUN_STALE_AFTER_MS: "1500",
      TASK_POLL_MS: "100",
      TASK_EVENTS_POLL_MS: "50",
      DESKTOP_AGENT_SCREENSHOT_DELAY_MS: "150",
      LOG_LEVEL: "warn",
    };
    const first = server.requests.length;
    server.setScript(
      sequence(
        {
          blocks: [
            tool("computer_click_mouse", { coordinates: terminal.center, button: "left" }),
            tool("computer_type_text", { text: "echo before-restart > a.txt\n" }),
          ],
        },
        { hang: true },
        { blocks: [tool("computer_type_text", { text: "echo after-restart > b.txt\n" })] },
        completed("Typed before and after the restart"),
      ),
    );
    let one: ServerProcess | undefined = await startServerProcess(env);
    let two: ServerProcess | undefined;
    try {
      const created = await postJson(`${one.url}/tasks`, { description: "Type two commands", model: provider.model });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      await waitFor(() => server.requests.length === first + 2, { what: "the second model call", timeoutMs: 30_000 });
      expect(await waitFor(() => readIfThere(join(work, "a.txt")))).toBe("before-restart\n");

      one.child.kill("SIGKILL");
      await one.exited;
      one = undefined;
      await waitFor(() => server.requests[first + 1]!.aborted, { what: "the killed server's model call closed" });

      two = await startServerProcess(env);
      const url = two.url;
      const task = async () => (await (await fetch(`${url}/tasks/${id}`)).json()) as Json;
      const done = await waitFor(
        async () => {
          const current = await task();
          return ["COMPLETED", "FAILED"].includes(current.status) && current;
        },
        { what: "the task finished on the second server", timeoutMs: 30_000 },
      );
      expect(done, done.error).toMatchObject({ status: "COMPLETED", interruptions: 1 });
      expect(await waitFor(() => readIfThere(join(work, "b.txt")))).toBe("after-restart\n");

      // The resumed call carried the first iteration, rebuilt from the stored messages (both screenshots included).
      const resumed = server.requests[first + 2]!;
      expect(JSON.stringify(resumed.body.messages)).toContain("echo before-restart > a.txt");
      expect(imagesOf(resumed)).toHaveLength(2);
      expect(server.requests.length - first).toBe(4);

      const messages = (await (await fetch(`${url}/tasks/${id}/messages?limit=100`)).json()) as Json[];
      expect(messages.map((m) => m.role)).toEqual(["USER", "ASSISTANT", "USER", "ASSISTANT", "USER", "ASSISTANT", "USER"]);
      // Every stored message was published to followers as it was written, across both servers (the change log, replayed from its start).
      const events = await readSse(`${url}/tasks/${id}/events`, { "Last-Event-ID": "0" });
      const published = events.filter((e) => e.event === "new_message").map((e) => JSON.parse(e.data).messageId);
      // (The first, the description, is written with the task: its event is task_created.)
      expect(published).toEqual(messages.slice(1).map((m) => m.id));
      expect(events.at(-1)?.event).toBe("end");
      expect(messages[3]!.content).toMatchObject([
        { type: "tool_use", name: "computer_type_text", input: { text: "echo after-restart > b.txt\n" } },
      ]);
    } finally {
      one?.child.kill("SIGKILL");
      await two?.stop();
      await terminal.client.stop();
    }
  });
});
