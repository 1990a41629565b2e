import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import type { ActionRecord } from "../../src/desktop/service";
import { jsonRequest, makeTestContext, type TestContext } from "../support/deps";
import { startTestDisplay, type TestDisplay } from "../support/xvfb";
import { desktopEnv } from "./suite";

const dir = mkdtempSync(join(tmpdir(), "desktop-http-"));
const filesRoot = join(dir, "files");
mkdirSync(filesRoot, { recursive: true });

let x: TestDisplay;
const contexts: TestContext[] = [];
const context = async (env: Record<string, string> = {}, recorder?: (record: ActionRecord) => void) => {
  const ctx = await makeTestContext({ ...desktopEnv(x, filesRoot), ...env }, { desktopRecorder: recorder });
  contexts.push(ctx);
  return ctx;
};
const post = async (ctx: TestContext, body: unknown, headers: Record<string, string> = {}) => {
  const res = await ctx.app.request("/computer-use", jsonRequest("POST", body, headers));
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

beforeAll(async () => {
  x = await startTestDisplay();
});
afterAll(async () => {
  for (const ctx of contexts) {
    ctx.deps.desktop.close();
    ctx.cleanup();
  }
  await x?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A display number nothing listens on. */
function deadDisplay(): string {
  for (let n = 1900; ; n++) if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return `:${n}`;
}

describe("POST /computer-use: validation names what is wrong (400, never a 500)", () => {
  it.each([
    [{}, /^Missing action field: action must be one of move_mouse, trace_mouse, /],
    [{ action: "teleport" }, /^Unknown action: teleport \(expected one of move_mouse, /],
    [{ action: "move_mouse" }, /^coordinates must be an object \{x, y\}$/],
    [{ action: "move_mouse", coordinates: { x: 10.5, y: 3 } }, /^x must be a whole number of pixels$/],
    [{ action: "move_mouse", coordinates: { x: -1, y: 3 } }, /^x must be 0 or more/],
    [{ action: "move_mouse", coordinates: { x: 1, y: "3" } }, /^y must be a number of pixels$/],
    [
      { action: "click_mouse", button: "left", coordinates: { x: 1280, y: 10 } },
      /^coordinates: \(1280, 10\) is off the screen, which is 1280×800 pixels/,
    ],
    [
      {
        action: "drag_mouse",
        button: "left",
        path: [
          { x: 1, y: 1 },
          { x: 5, y: 900 },
        ],
      },
      /^path\.1: \(5, 900\) is off the screen/,
    ],
    [{ action: "click_mouse", button: "thumb" }, /^button must be left, right or middle$/],
    [{ action: "type_keys", keys: ["LeftControl", "Hyperdrive"] }, /Unknown key 'Hyperdrive'/],
    [{ action: "click_mouse", button: "left", holdKeys: ["shift", "__proto__"] }, /Unknown key '__proto__'/],
    [
      { action: "type_text", text: "bell\u0007" },
      /^text contains the control character U\+0007 at position 4: only newline and tab can be typed$/,
    ],
    [{ action: "type_text", text: "x".repeat(10_001) }, /^text may be at most 10000 characters \(use paste_text/],
    [{ action: "scroll", direction: "down", scrollCount: 0 }, /^scrollCount must be at least 1$/],
    [{ action: "wait", duration: 600_000 }, /^duration may be at most 60000 ms$/],
    [{ action: "write_file", path: "a.txt", data: "not base64!" }, /^data must be base64/],
    [{ action: "read_file", path: "a\u0000b" }, /^path must not contain a NUL character$/],
    [{ action: "screenshot", scale: 2 }, /^scale must be at most 1/],
  ])("%j → 400", async (body, message) => {
    const ctx = await context();
    const res = await post(ctx, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false });
    expect(res.body.error).toMatch(message);
  });

  it("answers GET /computer-use/screenshot?scale=abc with 400", async () => {
    const ctx = await context();
    const res = await ctx.app.request("/computer-use/screenshot?scale=abc");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/scale must be a number/);
  });
});

describe("computer use switched off, or without a display: 503 saying what to set", () => {
  it("is off by default: every route answers 503 naming DESKTOP_ENABLED and DISPLAY, and /health/queue says so", async () => {
    const ctx = await contextWithout();
    for (const res of [
      await ctx.app.request("/computer-use", jsonRequest("POST", { action: "screenshot" })),
      await ctx.app.request("/computer-use/screenshot"),
      await ctx.app.request("/mcp/computer", jsonRequest("POST", { jsonrpc: "2.0", id: 1, method: "tools/list" })),
    ]) {
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toBe(
        "Computer use is disabled: set DESKTOP_ENABLED=true and DISPLAY to an X display where the executor runs (e.g. DISPLAY=:99 after `npm run desktop`)",
      );
    }
    const health = (await (await ctx.app.request("/health/queue")).json()) as Record<string, any>;
    expect(health.desktop).toEqual({ enabled: false, available: false, error: expect.stringContaining("DESKTOP_ENABLED=true") });
  });

  it("with DISPLAY pointing at no server: 503 naming the display and `npm run desktop`; /health/queue reports it; files still work", async () => {
    const display = deadDisplay();
    const ctx = await context({ DISPLAY: display });
    const res = await post(ctx, { action: "click_mouse", button: "left" });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(
      new RegExp(`^No X display answers at DISPLAY=${display} \\(.*\\): start one there \\(\`npm run desktop\``),
    );
    const health = (await (await ctx.app.request("/health/queue")).json()) as Record<string, any>;
    expect(health.desktop).toMatchObject({
      enabled: true,
      available: false,
      display,
      error: expect.stringContaining(`DISPLAY=${display}`),
    });
    expect(health.queue).toBeDefined(); // the original fields stay
    expect(await post(ctx, { action: "write_file", path: "still.txt", data: btoa("ok") })).toMatchObject({ status: 200 });
  });

  it("with a live display /health/queue reports its size", async () => {
    const ctx = await context();
    const health = (await (await ctx.app.request("/health/queue")).json()) as Record<string, any>;
    expect(health.desktop).toEqual({ enabled: true, available: true, display: x.display, width: 1280, height: 800 });
  });

  it("with the X tools missing where commands run: 503 naming the Debian package", async () => {
    const ctx = await context({ PATH: join(dir, "no-tools-here") });
    const res = await post(ctx, { action: "cursor_position" });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(
      /^xdotool could not be started where desktop commands run .*install the Debian package xdotool/,
    );
  });

  it("refuses to start with DESKTOP_ENABLED=true but no DISPLAY", () => {
    expect(() => loadConfig({ DESKTOP_ENABLED: "true" }, { cwd: dir })).toThrow(
      "DISPLAY is required when DESKTOP_ENABLED=true (e.g. DISPLAY=:99)",
    );
    expect(() => loadConfig({ DESKTOP_ENABLED: "true", DISPLAY: ":1", DESKTOP_PASTE_KEYS: "ctrl+wat" }, { cwd: dir })).toThrow(
      'DESKTOP_PASTE_KEYS expects keys joined by + such as ctrl+v or shift+Insert (unknown key "wat")',
    );
    expect(() => loadConfig({ DESKTOP_APPLICATIONS: '{"term":{"command":[]}}' }, { cwd: dir })).toThrow(
      /DESKTOP_APPLICATIONS expects an object/,
    );
    expect(() => loadConfig({ DESKTOP_SCREENSHOT_SCALE: "1.5" }, { cwd: dir })).toThrow(
      /DESKTOP_SCREENSHOT_SCALE expects a number above 0/,
    );
  });
});

describe("computer use behind the bearer token", () => {
  it("answers 401 without the token on every route, and works with it", async () => {
    const ctx = await context({ RUNNER_API_TOKENS: "desk-token" });
    expect((await ctx.app.request("/computer-use", jsonRequest("POST", { action: "cursor_position" }))).status).toBe(401);
    expect((await ctx.app.request("/computer-use/screenshot")).status).toBe(401);
    expect((await ctx.app.request("/mcp/computer", jsonRequest("POST", { jsonrpc: "2.0", id: 1, method: "ping" }))).status).toBe(
      401,
    );
    const ok = await post(ctx, { action: "cursor_position" }, { Authorization: "Bearer desk-token" });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ x: expect.any(Number), y: expect.any(Number) });
  });
});

describe("takeover recording: a person's desktop actions for a task under their control (B§3.9)", () => {
  /** A task that stays put (processing paused), taken over by the user. */
  const takenOver = async (ctx: TestContext) => {
    await ctx.app.request("/api/settings/task_operator", jsonRequest("PUT", { value: 0 }));
    const created = await ctx.app.request("/tasks", jsonRequest("POST", { description: "fill in the form", kind: "desktop" }));
    const task = (await created.json()) as Record<string, any>;
    return task;
  };
  const messages = async (ctx: TestContext, id: string) =>
    (await (await ctx.app.request(`/tasks/${id}/messages?limit=100`)).json()) as Record<string, any>[];

  it("records each successful action as a user_action message; refuses actions while the assistant has control", async () => {
    const records: ActionRecord[] = [];
    const ctx = await context({}, (record) => {
      records.push(record);
    });
    const task = await takenOver(ctx);
    const refused = await post(ctx, { action: "move_mouse", coordinates: { x: 5, y: 5 }, taskId: task.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe(
      `Task ${task.id} is under the assistant's control: take it over (POST /tasks/${task.id}/takeover) first`,
    );
    const unknown = await post(ctx, {
      action: "move_mouse",
      coordinates: { x: 5, y: 5 },
      taskId: "00000000-0000-4000-8000-000000000000",
    });
    expect(unknown.status).toBe(404);

    expect((await ctx.app.request(`/tasks/${task.id}/takeover`, { method: "POST" })).status).toBe(200);
    expect((await post(ctx, { action: "move_mouse", coordinates: { x: 20, y: 30 }, taskId: task.id })).status).toBe(200);
    expect((await post(ctx, { action: "type_text", text: "hunter2", isSensitive: true, taskId: task.id })).status).toBe(200);
    expect((await post(ctx, { action: "screenshot", scale: 0.5, taskId: task.id })).status).toBe(200);
    expect((await post(ctx, { action: "read_file", path: "nope.txt", taskId: task.id })).status).toBe(404);
    // Without a taskId nothing is recorded on any task.
    expect((await post(ctx, { action: "cursor_position" })).status).toBe(200);

    const actions = (await messages(ctx, task.id)).filter((m) => m.content[0]?.type === "user_action");
    expect(actions.map((m) => m.role)).toEqual(["USER", "USER", "USER"]);
    const uses = actions.map((m) => m.content[0].content.find((block: any) => block.type === "tool_use"));
    expect(uses.map((u) => u.name)).toEqual(["computer_move_mouse", "computer_type_text", "computer_screenshot"]);
    expect(uses[0].input).toEqual({ coordinates: { x: 20, y: 30 } });
    expect(uses[1].input).toMatchObject({ text: "●●●●●●●", isSensitive: true });
    const image = actions[2]?.content[0].content.find((block: any) => block.type === "image");
    expect(image.source.data).toMatch(/^iVBORw0KGgo/);

    // The processed view shows them as the assistant's computer calls, flagged take_over.
    const groups = (await (await ctx.app.request(`/tasks/${task.id}/messages/processed?limit=100`)).json()) as any[];
    const takeover = groups.find((g) => g.take_over);
    expect(takeover.role).toBe("ASSISTANT");
    expect(takeover.messages.flatMap((m: any) => m.content.map((b: any) => b.name))).toEqual([
      "computer_move_mouse",
      "computer_type_text",
      "computer_screenshot",
    ]);

    // The hook for other listeners is told every action, failures and refusals included.
    expect(records.map((r) => [r.action.action, r.error?.status])).toEqual([
      ["move_mouse", 409],
      ["move_mouse", 404],
      ["move_mouse", undefined],
      ["type_text", undefined],
      ["screenshot", undefined],
      ["read_file", 404],
      ["cursor_position", undefined],
    ]);
    expect(records[4]!.result).toMatchObject({ image: expect.stringMatching(/^iVBORw0KGgo/), width: 640, height: 400 });

    // Handed back, the assistant's control means the person's actions are refused again.
    await ctx.app.request(`/tasks/${task.id}/resume`, { method: "POST" });
    expect((await post(ctx, { action: "move_mouse", coordinates: { x: 1, y: 1 }, taskId: task.id })).status).toBe(409);
  });

  it("a failing recorder never fails the action (it is logged)", async () => {
    const ctx = await context({}, () => {
      throw new Error("recorder down");
    });
    expect(await post(ctx, { action: "wait", duration: 1 })).toMatchObject({ status: 200, body: { success: true } });
    expect(ctx.logs.some((line) => line.msg === "The desktop action recorder failed")).toBe(true);
  });
});

/** A context with computer use left at its default (off). */
async function contextWithout() {
  const ctx = await makeTestContext({ PATH: process.env.PATH ?? "" });
  contexts.push(ctx);
  return ctx;
}
