import { describe, expect, it } from "vitest";
import type { SystemSetting } from "../../../src/db/settings";
import { jsonRequest, type TestContext, useTestContexts } from "../../support/deps";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const VALUE_MESSAGE = "value must be 0 (off) or 1 (on)";

const context = useTestContexts();

async function put(ctx: TestContext, name: string, body: unknown) {
  return ctx.app.request(`/api/settings/${name}`, jsonRequest("PUT", body));
}

describe("GET /api/settings", () => {
  it("lists nothing on a fresh database, then every stored setting by name", async () => {
    const ctx = await context();
    expect(await (await ctx.app.request("/api/settings")).json()).toEqual([]);

    await put(ctx, "task_operator", { value: 1 });
    await put(ctx, "debug", { value: 0 });
    const res = await ctx.app.request("/api/settings");
    expect(res.status).toBe(200);
    const settings = (await res.json()) as SystemSetting[];
    expect(settings.map((s) => [s.name, s.value, s.enabled])).toEqual([
      ["debug", 0, false],
      ["task_operator", 1, true],
    ]);
  });
});

describe("GET /api/settings/:name", () => {
  it("404s on an unknown setting, naming it", async () => {
    const ctx = await context();
    const res = await ctx.app.request("/api/settings/gpt-review");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ success: false, error: "Setting 'gpt-review' not found" });
  });

  it("returns a stored setting", async () => {
    const ctx = await context();
    await put(ctx, "gpt-review", { value: 1 });
    const res = await ctx.app.request("/api/settings/gpt-review");
    expect(res.status).toBe(200);
    const setting = (await res.json()) as SystemSetting;
    expect(setting).toMatchObject({ name: "gpt-review", value: 1, enabled: true });
    expect(setting.created_at).toMatch(ISO);
    expect(setting.updated_at).toMatch(ISO);
  });

  it("400s on a name with characters outside [A-Za-z0-9_.-]", async () => {
    const ctx = await context();
    const res = await ctx.app.request("/api/settings/bad%20name");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, error: expect.stringMatching(/^Setting name must be 1-64/) });
  });
});

describe("PUT /api/settings/:name", () => {
  it("creates, then updates in place keeping created_at", async () => {
    const ctx = await context();
    const created = await put(ctx, "debug", { value: 1 });
    expect(created.status).toBe(200);
    const first = (await created.json()) as SystemSetting;
    expect(first).toMatchObject({ name: "debug", value: 1, enabled: true });

    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = (await (await put(ctx, "debug", { value: 0 })).json()) as SystemSetting;
    expect(second).toMatchObject({ name: "debug", value: 0, enabled: false, created_at: first.created_at });
    expect(second.updated_at > first.updated_at).toBe(true);

    const rows = await ctx.deps.db.execute("SELECT name, value FROM system_settings");
    expect(rows.rows.map((r) => [r.name, r.value])).toEqual([["debug", 0]]);
  });

  it.each([
    ["2", { value: 2 }],
    ["-1", { value: -1 }],
    ['"1"', { value: "1" }],
    ["true", { value: true }],
    ["missing", {}],
    ["null", { value: null }],
  ])("400s when value is %s and stores nothing", async (_what, body) => {
    const ctx = await context();
    const res = await put(ctx, "debug", body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, error: VALUE_MESSAGE });
    expect((await ctx.deps.db.execute("SELECT COUNT(*) AS n FROM system_settings")).rows[0]?.n).toBe(0);
  });
});

describe("settings.isEnabled (§9.3)", () => {
  it("is false for unknown settings, and follows the stored value", async () => {
    const ctx = await context();
    expect(await ctx.deps.settings.isEnabled("task_operator")).toBe(false);
    await put(ctx, "task_operator", { value: 1 });
    expect(await ctx.deps.settings.isEnabled("task_operator")).toBe(true);
    await put(ctx, "task_operator", { value: 0 });
    expect(await ctx.deps.settings.isEnabled("task_operator")).toBe(false);
  });

  it("reads fresh each call (a change by another writer shows at once)", async () => {
    const ctx = await context();
    await ctx.deps.db.execute("INSERT INTO system_settings (name, value) VALUES ('gpt-review', 1)");
    expect(await ctx.deps.settings.isEnabled("gpt-review")).toBe(true);
    await ctx.deps.db.execute("UPDATE system_settings SET value = 0 WHERE name = 'gpt-review'");
    expect(await ctx.deps.settings.isEnabled("gpt-review")).toBe(false);
  });

  it.each(["true", "1"])("falls back to DEBUG=%s for `debug` only", async (debug) => {
    const ctx = await context({ DEBUG: debug });
    expect(await ctx.deps.settings.isEnabled("debug")).toBe(true);
    expect(await ctx.deps.settings.isEnabled("gpt-review")).toBe(false);
    expect(await ctx.deps.settings.isEnabled("task_operator")).toBe(false);
  });

  it.each(["yes", "TRUE", "on", "0", "false"])("does not treat DEBUG=%s as on", async (debug) => {
    const ctx = await context({ DEBUG: debug });
    expect(await ctx.deps.settings.isEnabled("debug")).toBe(false);
  });

  it("is false for `debug` without DEBUG", async () => {
    const ctx = await context();
    expect(await ctx.deps.settings.isEnabled("debug")).toBe(false);
  });

  it("prefers a stored row over the DEBUG fallback", async () => {
    const ctx = await context({ DEBUG: "true" });
    await put(ctx, "debug", { value: 0 });
    expect(await ctx.deps.settings.isEnabled("debug")).toBe(false);
  });

  it("falls back when the table cannot be read", async () => {
    const ctx = await context({ DEBUG: "1" });
    await put(ctx, "gpt-review", { value: 1 });
    await ctx.deps.db.execute("DROP TABLE system_settings");
    expect(await ctx.deps.settings.isEnabled("debug")).toBe(true);
    expect(await ctx.deps.settings.isEnabled("gpt-review")).toBe(false);
  });
});
