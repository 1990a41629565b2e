// The desktop agent end to end, once per provider wire protocol: the real AI SDK providers talk to a
// scripted local model server; the scripted model clicks into a real xterm under Xvfb and types a
// command; assertions read the file the command created, the stored messages and what the model was sent.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagesOf, type ModelServer, startModelServer } from "../support/model-server";
import { startTestDisplay, type TestDisplay } from "../support/xvfb";
import {
  completed,
  type Json,
  openTerminal,
  PROVIDERS,
  pngSize,
  readIfThere,
  sequence,
  tool,
  useAgent,
  waitFor,
} from "./harness";

describe("the desktop agent drives a real desktop through each provider", () => {
  let x: TestDisplay;
  let server: ModelServer;
  const dir = mkdtempSync(join(tmpdir(), "desktop-agent-providers-"));
  const start = useAgent();

  beforeAll(async () => {
    x = await startTestDisplay({ windowManager: true });
    server = await startModelServer();
  });
  afterAll(async () => {
    await server?.close();
    await x?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [index, provider] of PROVIDERS.entries()) {
    it(`${provider.label}: screenshot, click into an xterm, type a command, set the task completed`, async () => {
      const work = join(dir, `work-${index}`);
      const terminal = await openTerminal(x, work, `agent-term-${index}`);
      try {
        const ctx = await start(x, join(dir, `ctx-${index}`), provider.env(server));
        const models = (await ctx.call("GET", "/tasks/models")).body;
        expect(models).toContainEqual({ ...provider.model, contextWindow: expect.any(Number), kind: "desktop" });

        const first = server.requests.length;
        server.setScript(
          sequence(
            { blocks: [{ text: "Let me look at the screen." }, tool("computer_screenshot")] },
            {
              blocks: [
                tool("computer_click_mouse", { coordinates: terminal.center, button: "left" }),
                tool("computer_type_text", { text: `echo typed-by-${index} > out.txt\n` }),
              ],
            },
            completed("Typed the command into the terminal"),
          ),
        );
        const task = await ctx.create("Write typed-by-N into out.txt using the terminal", provider.model);
        const done = await ctx.until(task.id, (t) => ["COMPLETED", "FAILED"].includes(t.status), "finished");
        expect(done, JSON.stringify(done.error)).toMatchObject({
          status: "COMPLETED",
          result: { description: "Typed the command into the terminal", modelCalls: 3 },
        });

        // The desktop's real state: the shell in the xterm ran what was typed.
        const out = await waitFor(() => readIfThere(join(work, "out.txt")), { timeoutMs: 30_000, what: "out.txt" });
        expect(out).toBe(`typed-by-${index}\n`);

        // The stored conversation (B§1.5): description, then per iteration the reply and its results.
        const messages = await ctx.messages(task.id);
        expect(messages.map((m) => m.role)).toEqual(["USER", "ASSISTANT", "USER", "ASSISTANT", "USER", "ASSISTANT", "USER"]);
        const [, look, shot, act, acted, finish, finished] = messages as [Json, Json, Json, Json, Json, Json, Json];
        expect(look.content).toMatchObject([
          { type: "text", text: "Let me look at the screen." },
          { type: "tool_use", name: "computer_screenshot" },
        ]);
        expect(shot.content).toMatchObject([
          { type: "tool_result", tool_use_id: look.content[1].id, content: [{ type: "image" }] },
        ]);
        expect(pngSize(shot.content[0].content[0].source.data)).toEqual([1280, 800]);
        expect(act.content.map((b: any) => b.name)).toEqual(["computer_click_mouse", "computer_type_text"]);
        expect(acted.content).toHaveLength(2);
        for (const [i, result] of acted.content.entries()) {
          expect(result).toMatchObject({ type: "tool_result", tool_use_id: act.content[i].id });
          expect(result.is_error).toBeUndefined();
          // B§3.8: after an action that changes the screen, a screenshot comes back with the result.
          expect(result.content.map((b: any) => b.type)).toEqual(["text", "image"]);
          expect(pngSize(result.content[1].source.data)).toEqual([1280, 800]);
        }
        expect(finish.content).toMatchObject([{ type: "tool_use", name: "set_task_status", input: { status: "completed" } }]);
        expect(finished.content).toMatchObject([
          { type: "tool_result", content: [{ type: "text", text: "Typed the command into the terminal" }] },
        ]);

        // What the model was sent: its protocol, the tool catalogue, and the screenshots as image parts.
        const sent = server.requests.slice(first);
        expect(sent).toHaveLength(3);
        expect(sent.every((r) => r.hasTools && r.model === provider.model.name)).toBe(true);
        expect(imagesOf(sent[0]!)).toEqual([]);
        const seen = imagesOf(sent[1]!);
        expect(seen).toHaveLength(1);
        expect(pngSize(seen[0]!)).toEqual([1280, 800]);
        expect(imagesOf(sent[2]!)).toHaveLength(3);
        expect(JSON.stringify(sent[2]!.body)).toContain("Tool executed successfully");
        if (provider.model.provider === "anthropic") {
          // Prompt caching: the system prompt and the newest message are cache breakpoints.
          expect(sent[2]!.body.system).toMatchObject([{ type: "text", cache_control: { type: "ephemeral" } }]);
          expect(JSON.stringify(sent[2]!.body.messages.at(-1))).toContain('"cache_control":{"type":"ephemeral"}');
        }
        // Responses are not stored at OpenAI; Chat requests carry no such field (strict compatible servers).
        if (provider.label === "OpenAI Responses") expect(sent.every((r) => r.body.store === false)).toBe(true);
        if (provider.model.provider !== "openai" || provider.label !== "OpenAI Responses") {
          expect(sent.some((r) => "store" in r.body)).toBe(false);
        }
        if (provider.model.provider === "google") {
          // Gemini's thought signatures were stored with the calls and sent back with them.
          expect(JSON.stringify(sent[2]!.body)).toContain('"thoughtSignature":"signed-computer_type_text-1"');
        }
      } finally {
        await terminal.client.stop();
      }
    });
  }
});
