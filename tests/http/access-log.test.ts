import { describe, expect, it } from "vitest";
import { redactUrl } from "../../src/log";
import { jsonRequest, useTestContexts } from "../support/deps";

const TOKEN = "tok-9f8e7d6c5b4a";
const WRONG = "wrong-5a4b3c2d1e";

const context = useTestContexts();

describe("log lines carry no secrets", () => {
  it("neither the bearer token nor a ?secret= value reaches the log", async () => {
    const ctx = await context({ RUNNER_API_TOKENS: TOKEN });
    const headers = { Authorization: `Bearer ${TOKEN}`, "X-Request-Id": "fixed-request-id" };
    // A fixed request id keeps generated hex ids from containing "abc" by chance.
    const ok = await ctx.app.request("/api/tasks?secret=abc&status=0", { headers });
    expect(ok.status).toBe(200);
    const denied = await ctx.app.request("/api/tasks?token=abc", {
      headers: { Authorization: `Bearer ${WRONG}`, "X-Request-Id": "fixed-request-id-2" },
    });
    expect(denied.status).toBe(401);
    const created = await ctx.app.request(
      "/api/tasks?api_key=abc",
      jsonRequest("POST", { prompt: "log test" }, { ...headers, "X-Request-Id": "fixed-request-id-3" }),
    );
    expect(created.status).toBe(201);
    const missing = await ctx.app.request("/nowhere?password=abc", {
      headers: { ...headers, "X-Request-Id": "fixed-request-id-4" },
    });
    expect(missing.status).toBe(404);

    const text = ctx.logs.map((line) => JSON.stringify(line)).join("\n");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(WRONG);
    expect(text).not.toContain("abc");

    // The requests were logged, with the secret values masked and the other parameters kept.
    const paths = ctx.logs.filter((line) => line.msg === "request").map((line) => [line.requestId, line.path, line.status]);
    expect(paths).toEqual(
      expect.arrayContaining([
        ["fixed-request-id", "/api/tasks?secret=***&status=0", 200],
        ["fixed-request-id-2", "/api/tasks?token=***", 401],
        ["fixed-request-id-3", "/api/tasks?api_key=***", 201],
        ["fixed-request-id-4", "/nowhere?password=***", 404],
      ]),
    );
  });

  it("redacts secret-looking keys in logged objects", async () => {
    const ctx = await context();
    ctx.deps.log.info({ authorization: `Bearer ${TOKEN}`, callback: { secret: "abc", token: TOKEN }, keep: "visible" }, "probe");
    const line = ctx.logs.find((entry) => entry.msg === "probe");
    expect(line).toMatchObject({
      authorization: "[redacted]",
      callback: { secret: "[redacted]", token: "[redacted]" },
      keep: "visible",
    });
    expect(JSON.stringify(line)).not.toContain(TOKEN);
  });
});

describe("redactUrl", () => {
  it.each([
    ["/x?secret=abc", "/x?secret=***"],
    ["/x?a=1&token=t&b=2", "/x?a=1&token=***&b=2"],
    ["/x?SECRET=abc", "/x?SECRET=***"],
    ["/x?api%5Fkey=abc", "/x?api%5Fkey=***"],
    ["/x?access_token=abc&apikey=d&key=e&password=f&auth=g", "/x?access_token=***&apikey=***&key=***&password=***&auth=***"],
    ["/x?secretive=abc", "/x?secretive=abc"],
    ["/x", "/x"],
    ["/x?flag", "/x?flag"],
  ])("%s → %s", (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });
});
