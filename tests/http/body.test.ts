import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonRequest, makeTestContext, type TestContext } from "../support/deps";

const MAX = 64;
let ctx: TestContext;
beforeAll(async () => {
  ctx = await makeTestContext({ MAX_BODY_BYTES: String(MAX) });
});
afterAll(() => ctx.cleanup());

const post = (body: BodyInit | undefined, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers,
  body,
});

async function errorOf(res: Response, status: number): Promise<string> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { success: boolean; error: string };
  expect(body.success).toBe(false);
  expect(typeof body.error).toBe("string");
  return body.error;
}

async function taskCount(): Promise<number> {
  return Number((await ctx.deps.db.execute("SELECT COUNT(*) AS n FROM tasks")).rows[0]?.n);
}

describe("malformed JSON", () => {
  it.each(["{bad", '{"prompt": "x",}', "{'prompt': 'x'}", '{"prompt": "unterminated'])(
    "400s on %s naming the parse error",
    async (text) => {
      const error = await errorOf(await ctx.app.request("/api/tasks", post(text, { "Content-Type": "application/json" })), 400);
      expect(error).toMatch(/^Malformed JSON in request body: \S/);
    },
  );

  it("400s on malformed JSON for PUT as well", async () => {
    const error = await errorOf(await ctx.app.request("/api/tasks/1", jsonRequest("PUT", "[1,")), 400);
    expect(error).toMatch(/^Malformed JSON in request body/);
  });
});

describe("content type", () => {
  it("415s on a non-JSON body, naming the type received", async () => {
    const error = await errorOf(await ctx.app.request("/api/tasks", post("prompt=hi", { "Content-Type": "text/plain" })), 415);
    expect(error).toBe('Content-Type must be application/json (got "text/plain")');
    expect(await taskCount()).toBe(0);
  });

  it("415s on a form body", async () => {
    const error = await errorOf(
      await ctx.app.request("/api/tasks", post("prompt=hi", { "Content-Type": "application/x-www-form-urlencoded" })),
      415,
    );
    expect(error).toMatch(/application\/x-www-form-urlencoded/);
  });

  it("415s on a body without any content type", async () => {
    const error = await errorOf(await ctx.app.request("/api/tasks", post(new TextEncoder().encode('{"prompt":"a"}'))), 415);
    expect(error).toBe("Content-Type must be application/json (got none)");
  });

  it.each(["application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.api+json"])("accepts %s", async (type) => {
    const res = await ctx.app.request("/api/tasks", post(JSON.stringify({ prompt: "typed" }), { "Content-Type": type }));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ prompt: "typed" });
  });
});

describe("body size (MAX_BODY_BYTES)", () => {
  it("413s on a body over the limit and stores nothing", async () => {
    const before = await taskCount();
    const body = JSON.stringify({ prompt: "x".repeat(MAX) });
    const error = await errorOf(await ctx.app.request("/api/tasks", jsonRequest("POST", body)), 413);
    expect(error).toBe(`Request body is larger than ${MAX} bytes; send a smaller body or raise MAX_BODY_BYTES`);
    expect(await taskCount()).toBe(before);
  });

  it("413s on a streamed body (no Content-Length) over the limit", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ prompt: "y".repeat(MAX * 4) }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16) controller.enqueue(bytes.slice(i, i + 16));
        controller.close();
      },
    });
    const init = { method: "POST", headers: { "Content-Type": "application/json" }, body: stream, duplex: "half" };
    await errorOf(await ctx.app.request("/api/tasks", init as RequestInit), 413);
  });

  it("accepts a body of exactly the limit", async () => {
    const overhead = JSON.stringify({ prompt: "" }).length;
    const body = JSON.stringify({ prompt: "z".repeat(MAX - overhead) });
    expect(new TextEncoder().encode(body).length).toBe(MAX);
    expect((await ctx.app.request("/api/tasks", jsonRequest("POST", body))).status).toBe(201);
  });

  it("counts bytes, not characters", async () => {
    // 22 three-byte characters = 66 bytes of prompt, well under 64 characters of JSON.
    const body = JSON.stringify({ prompt: "€".repeat(22) });
    expect(body.length).toBeLessThan(MAX);
    await errorOf(await ctx.app.request("/api/tasks", jsonRequest("POST", body)), 413);
  });
});

describe("empty and odd bodies get a validation message, never a 500", () => {
  it("an empty JSON body names the missing field", async () => {
    const error = await errorOf(await ctx.app.request("/api/tasks", jsonRequest("POST", "")), 400);
    expect(error).toBe("Prompt is required and must be a non-empty string");
  });

  it("a whitespace-only JSON body names the missing field", async () => {
    const error = await errorOf(await ctx.app.request("/api/tasks", jsonRequest("POST", "  \n ")), 400);
    expect(error).toBe("Prompt is required and must be a non-empty string");
  });

  it("no body and no content type names the missing field", async () => {
    const error = await errorOf(await ctx.app.request("/api/tasks", { method: "POST" }), 400);
    expect(error).toBe("Prompt is required and must be a non-empty string");
  });

  it.each([
    ["null", "null"],
    ["an array", "[]"],
    ["a string", '"prompt"'],
    ["a number", "42"],
  ])("a JSON body that is %s is a 400", async (_what, text) => {
    const error = await errorOf(await ctx.app.request("/api/tasks", jsonRequest("POST", text)), 400);
    expect(error.length).toBeGreaterThan(0);
  });

  it("a settings PUT with an empty body names the value", async () => {
    const error = await errorOf(await ctx.app.request("/api/settings/debug", jsonRequest("PUT", "")), 400);
    expect(error).toBe("value must be 0 (off) or 1 (on)");
  });

  it("a GET ignores any content type", async () => {
    const res = await ctx.app.request("/api/tasks", { method: "GET", headers: { "Content-Type": "text/plain" } });
    expect(res.status).toBe(200);
  });
});
