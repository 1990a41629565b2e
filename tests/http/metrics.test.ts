import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { jsonRequest, makeTestContext, type TestContext } from "../support/deps";
import { FAKE_AGENT } from "../support/server-process";

/** A sample's value from Prometheus text, by metric name and exact label set. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(" ").at(-1)) : undefined;
}

describe("GET /metrics", () => {
  let ctx: TestContext;
  afterEach(async () => {
    await ctx?.deps.runs.stopAll();
    ctx?.cleanup();
  });

  it("needs an API token or METRICS_TOKEN, and reports runs, slots, HTTP latency by route and callbacks", async () => {
    ctx = await makeTestContext({
      CURSOR_CLI_PATH: FAKE_AGENT,
      RUNNER_API_TOKENS: "api-tok",
      METRICS_TOKEN: "scrape-tok",
      LOG_LEVEL: "warn",
    });
    mkdirSync(join(ctx.dir, "repositories", "demo"), { recursive: true });
    const auth = { Authorization: "Bearer api-tok" };
    expect((await ctx.app.request("/metrics")).status).toBe(401);
    // The scrape token opens /metrics only.
    expect((await ctx.app.request("/api/settings", { headers: { Authorization: "Bearer scrape-tok" } })).status).toBe(401);

    const ok = await ctx.app.request("/cursor/execute", jsonRequest("POST", { prompt: "SAY counted", repository: "demo" }, auth));
    expect(ok.status).toBe(200);
    const failed = await ctx.app.request(
      "/cursor/execute",
      jsonRequest("POST", { prompt: "SAY x\nEXIT 2", repository: "demo" }, auth),
    );
    expect(((await failed.json()) as { status: string }).status).toBe("failed");
    await ctx.app.request("/runs/00000000-0000-4000-8000-000000000000", { headers: auth });

    const res = await ctx.app.request("/metrics", { headers: { Authorization: "Bearer scrape-tok" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/plain");
    const text = await res.text();
    expect(sample(text, "cursor_runner_runs", 'status="succeeded",agent="cursor"')).toBe(1);
    expect(sample(text, "cursor_runner_runs", 'status="failed",agent="cursor"')).toBe(1);
    expect(sample(text, "cursor_runner_execution_slots", 'state="max"')).toBe(5);
    expect(sample(text, "cursor_runner_execution_slots", 'state="in_use"')).toBe(0);
    expect(text).toContain("cursor_runner_execution_queue_length 0");
    // Latency is recorded under the route's pattern, not the URL.
    expect(
      sample(text, "cursor_runner_http_request_duration_seconds_count", 'method="POST",route="/cursor/execute",status="200"'),
    ).toBe(2);
    expect(sample(text, "cursor_runner_http_request_duration_seconds_count", 'method="GET",route="/runs/:id",status="404"')).toBe(
      1,
    );
    expect(text).not.toContain("00000000-0000-4000-8000-000000000000");
    expect(text).toContain("cursor_runner_callback_attempts_total");
    expect(text).toContain("cursor_runner_process_cpu_seconds_total");
  });
});
