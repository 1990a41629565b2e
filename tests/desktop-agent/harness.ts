// Node-only (test support): the desktop agent under test — real deps and task engine over a temp libSQL
// file, the real desktop service on a private Xvfb, the real AI SDK providers against tests/support/model-server.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterEach, expect } from "vitest";
import { desktopEnv } from "../desktop/suite";
import { jsonRequest, makeTestContext, type TestContext } from "../support/deps";
import type { ModelServer, Script, ScriptedReply } from "../support/model-server";
import { waitFor } from "../support/wait";
import type { TestDisplay, XClient } from "../support/xvfb";

export { waitFor };
export type Json = Record<string, any>;

/** How a test names a provider: its environment, and the model object a task sends. */
export interface ProviderCase {
  label: string;
  env: (server: ModelServer) => Record<string, string>;
  model: { provider: string; name: string; title: string };
}

export const PROVIDERS: ProviderCase[] = [
  {
    label: "Anthropic Messages",
    env: (s) => ({
      ANTHROPIC_API_KEY: "k-anthropic",
      ANTHROPIC_BASE_URL: s.urls.anthropic,
      ANTHROPIC_MODELS: "claude-scripted:200000",
    }),
    model: { provider: "anthropic", name: "claude-scripted", title: "claude-scripted" },
  },
  {
    label: "OpenAI Responses",
    env: (s) => ({ OPENAI_API_KEY: "k-openai", OPENAI_BASE_URL: s.urls.openai, OPENAI_MODELS: "gpt-scripted:200000" }),
    model: { provider: "openai", name: "gpt-scripted", title: "gpt-scripted" },
  },
  {
    label: "OpenAI Chat Completions",
    env: (s) => ({
      OPENAI_API_KEY: "k-openai",
      OPENAI_BASE_URL: s.urls.openai,
      OPENAI_API: "chat",
      OPENAI_MODELS: "gpt-chat:200000",
    }),
    model: { provider: "openai", name: "gpt-chat", title: "gpt-chat" },
  },
  {
    label: "Gemini",
    env: (s) => ({ GEMINI_API_KEY: "k-gemini", GEMINI_BASE_URL: s.urls.gemini, GEMINI_MODELS: "gemini-scripted:1000000" }),
    model: { provider: "google", name: "gemini-scripted", title: "gemini-scripted" },
  },
  {
    label: "an OpenAI-compatible provider (LiteLLM/vLLM/Ollama style)",
    env: (s) => ({
      DESKTOP_AGENT_PROVIDERS: JSON.stringify([
        { name: "local", baseUrl: s.urls.openai, models: [{ name: "local-scripted", contextWindow: 32000 }] },
      ]),
    }),
    model: { provider: "local", name: "local-scripted", title: "local-scripted" },
  },
];

/** Replies in order, one per request the script sees from now on (a request past the end fails the test's task loudly). */
export function sequence(...replies: (ScriptedReply | ((index: number) => ScriptedReply))[]): Script {
  let seen = 0;
  return () => {
    const n = seen++;
    const reply = replies[n];
    if (!reply) return { status: 400, body: { error: { message: `the script has no reply ${n}` } } };
    return typeof reply === "function" ? reply(n) : reply;
  };
}

export const tool = (name: string, input: Record<string, unknown> = {}) => ({ tool: name, input });
export const completed = (description = "Done") => ({ blocks: [tool("set_task_status", { status: "completed", description })] });

export interface Terminal {
  id: string;
  center: { x: number; y: number };
  client: XClient;
}

/** An xterm running a shell in `cwd`, found by its title; what is typed into it runs there. */
export async function openTerminal(x: TestDisplay, cwd: string, name: string): Promise<Terminal> {
  mkdirSync(cwd, { recursive: true });
  const client = x.client("xterm", ["-T", name, "-geometry", "80x20+40+40", "-e", "sh", "-c", 'cd "$0" && exec sh', cwd], {
    LANG: "C.UTF-8",
  });
  const id = await waitFor(
    async () =>
      (await x.run("xdotool", ["search", "--onlyvisible", "--name", `^${name}$`]).catch(() => "")).trim().split("\n")[0],
    { what: `window ${name}` },
  );
  const info = await x.run("xwininfo", ["-id", id]);
  const field = (label: string) => Number(new RegExp(`${label}:\\s+(-?\\d+)`).exec(info)?.[1]);
  const center = {
    x: field("Absolute upper-left X") + Math.floor(field("Width") / 2),
    y: field("Absolute upper-left Y") + Math.floor(field("Height") / 2),
  };
  return { id, center, client };
}

export const readIfThere = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

/** A base64 PNG's size (it must decode). */
export const pngSize = (base64: string) => {
  const png = PNG.sync.read(Buffer.from(base64, "base64"));
  return [png.width, png.height];
};

export interface AgentContext extends TestContext {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** POST /tasks for a desktop task on `model`; the created task. */
  create(description: string, model: ProviderCase["model"]): Promise<Json>;
  task(id: string): Promise<Json>;
  until(id: string, check: (task: Json) => boolean, what: string): Promise<Json>;
  messages(id: string): Promise<Json[]>;
}

/**
 * In-process tests of the desktop agent: `app.request` on real deps, the task engine started.
 * `env` is added to the desktop's and the engine's (the display, files root, fast polling).
 */
export function useAgent(): (x: TestDisplay, dir: string, env: Record<string, string>) => Promise<AgentContext> {
  const started: { ctx: TestContext; stop: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const { ctx, stop } of started.splice(0)) {
      await stop();
      ctx.cleanup();
    }
  });
  return async (x, dir, env) => {
    const filesRoot = join(dir, "files");
    mkdirSync(filesRoot, { recursive: true });
    const ctx = await makeTestContext({
      ...desktopEnv(x, filesRoot),
      TASK_POLL_MS: "100",
      TASK_EVENTS_POLL_MS: "50",
      LOG_LEVEL: "warn",
      DESKTOP_AGENT_SCREENSHOT_DELAY_MS: "150",
      DESKTOP_AGENT_RETRY_MIN_MS: "20",
      ...env,
    });
    const stop = await ctx.deps.taskEngine.start();
    started.push({ ctx, stop });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await ctx.app.request(path, jsonRequest(method, body));
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const task = async (id: string) => (await call("GET", `/tasks/${id}`)).body as Json;
    return {
      ...ctx,
      call,
      async create(description, model) {
        const res = await call("POST", "/tasks", { description, model });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(res.body.kind).toBe("desktop");
        return res.body;
      },
      task,
      until: (id, check, what) =>
        waitFor(
          async () => {
            const current = await task(id);
            return check(current) && current;
          },
          { timeoutMs: 30_000, what: `task ${id}: ${what}` },
        ),
      messages: async (id) => (await call("GET", `/tasks/${id}/messages?limit=200`)).body as Json[],
    };
  };
}
