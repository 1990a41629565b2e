// Node-only: times a scripted Claude Code run through the runner's API against the same command run directly.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claudeArgs } from "../src/agents/claude";
import { cliBin, OFFLINE_ENV } from "../tests/e2e-agents/harness";
import { claudeScript } from "../tests/e2e-agents/scripts";
import { startAnthropicServer } from "../tests/support/anthropic-server";
import { startServerProcess } from "../tests/support/server-process";
import { ms, summarize } from "./stats";

const PROMPT = "Record that you ran, then write the notes file.";

/** The claude command exactly as the runner builds it, spawned directly (own process group, stdin closed). */
function direct(cwd: string, env: Record<string, string>): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cliBin("claude"), claudeArgs({ prompt: PROMPT }), {
      cwd,
      env: { ...env, DISABLE_AUTOUPDATER: "1" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.resume();
    child.once("error", reject);
    child.once("close", (code) => {
      if (code !== 0 || !stdout.includes('"subtype":"success"')) reject(new Error(`direct claude run failed (${code})`));
      else resolve(performance.now() - started);
    });
  });
}

async function viaApi(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/cursor/execute`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ prompt: PROMPT, repository: "demo", agent: "claude" }),
  });
  const body = (await res.json()) as { agentSucceeded?: boolean };
  if (!body.agentSucceeded) throw new Error(`bench run failed: ${JSON.stringify(body)}`);
  return performance.now() - started;
}

/**
 * `npm run bench -- agents`: a scripted two-tool-turn Claude Code run (Bash, then Write, then the
 * answer: three model calls) against a local Anthropic server, through POST /cursor/execute and as
 * the bare command, alternated so machine noise hits both alike. Returns the numbers and the ratio.
 */
export async function benchAgents({ iterations = 10, warmup = 2 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "runner-bench-agents-"));
  const repo = join(dir, "repos", "demo");
  const home = join(dir, "home");
  mkdirSync(repo, { recursive: true });
  mkdirSync(home, { recursive: true });
  const model = await startAnthropicServer(claudeScript(repo));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: "sk-ant-bench",
    ...OFFLINE_ENV,
  };
  const runner = await startServerProcess({
    ...env,
    DATABASE_URL: `file:${join(dir, "bench.db")}`,
    REPOSITORIES_PATH: join(dir, "repos"),
    CLAUDE_CLI_PATH: cliBin("claude"),
    LOG_LEVEL: "warn",
  });
  // Each run starts from an empty repository (Claude's Write refuses to overwrite an unread file).
  const reset = () => {
    rmSync(repo, { recursive: true, force: true });
    mkdirSync(repo, { recursive: true });
  };
  try {
    for (let i = 0; i < warmup; i++) {
      reset();
      await direct(repo, env);
      reset();
      await viaApi(runner.url);
    }
    const bare: number[] = [];
    const api: number[] = [];
    for (let i = 0; i < iterations; i++) {
      reset();
      bare.push(await direct(repo, env));
      reset();
      api.push(await viaApi(runner.url));
    }
    const b = summarize(bare);
    const a = summarize(api);
    const result = { iterations, direct: b, api: a, ratio: { p50: a.p50 / b.p50, p95: a.p95 / b.p95 } };
    console.log("\n## Agents (Claude Code 2.1.197, scripted Bash + Write run)");
    console.table({
      "claude run directly": { p50: ms(b.p50), p95: ms(b.p95) },
      "POST /cursor/execute (agent: claude)": { p50: ms(a.p50), p95: ms(a.p95) },
      "ratio API / direct": { p50: result.ratio.p50.toFixed(3), p95: result.ratio.p95.toFixed(3) },
    });
    return result;
  } finally {
    await runner.stop();
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
