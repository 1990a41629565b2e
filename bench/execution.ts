import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerProcess } from "../tests/support/server-process";
import { ms, summarize } from "./stats";

const INSTANT_AGENT = join(import.meta.dirname, "fixtures", "instant-agent.sh");
const TICKER_AGENT = join(import.meta.dirname, "fixtures", "ticker-agent.mjs");

/** The real server in its own process (as deployed), so client and server do not share an event loop. */
async function startRunner(dir: string, agent: string) {
  const server = await startServerProcess({
    DATABASE_URL: `file:${join(dir, `${Math.random().toString(36).slice(2)}.db`)}`,
    REPOSITORIES_PATH: join(dir, "repos"),
    CURSOR_CLI_PATH: agent,
    LOG_LEVEL: "warn",
  });
  return { url: server.url, close: server.stop };
}

/** Spawns the agent exactly as the runner does (own process group, stdin closed) and waits for it. */
function bareSpawn(command: string, cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, ["--model", "auto", "--print", "--force", "--output-format", "stream-json", "x"], {
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.resume();
    child.stderr.resume();
    child.once("error", reject);
    child.once("close", () => resolve(performance.now() - started));
  });
}

async function timedExecute(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/cursor/execute`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ prompt: "bench", repository: "demo" }),
  });
  const body = (await res.json()) as { agentSucceeded?: boolean };
  if (!body.agentSucceeded) throw new Error(`bench run failed: ${JSON.stringify(body)}`);
  return performance.now() - started;
}

/** Measures live relay latency: agent stdout line (stamped at write) → SSE client receipt. */
async function relayLatencies(url: string): Promise<number[]> {
  const ack = (await (
    await fetch(`${url}/cursor/execute/async`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "bench", repository: "demo" }),
    })
  ).json()) as { eventsUrl: string };
  const res = await fetch(`${url}${ack.eventsUrl}`);
  if (!res.body) throw new Error("no SSE body");
  const latencies: number[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of res.body) {
    const received = performance.timeOrigin + performance.now();
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").find((line) => line.startsWith("data: "));
      const text = data ? (JSON.parse(data.slice(6)) as { text?: string }).text : undefined;
      const match = text && /^tick \d+ ([\d.]+)$/.exec(text);
      if (match) latencies.push(received - Number(match[1]));
      end = buffer.indexOf("\n\n");
    }
  }
  return latencies;
}

export async function benchExecution({ iterations = 200, warmup = 20 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "runner-bench-exec-"));
  const repo = join(dir, "repos", "demo");
  mkdirSync(repo, { recursive: true });
  const instant = await startRunner(dir, INSTANT_AGENT);
  const ticker = await startRunner(dir, TICKER_AGENT);
  try {
    for (let i = 0; i < warmup; i++) {
      await bareSpawn(INSTANT_AGENT, repo);
      await timedExecute(instant.url);
    }
    const bare: number[] = [];
    const viaApi: number[] = [];
    // Alternate the two so machine noise hits both alike.
    for (let i = 0; i < iterations; i++) {
      bare.push(await bareSpawn(INSTANT_AGENT, repo));
      viaApi.push(await timedExecute(instant.url));
    }
    const relay = summarize(await relayLatencies(ticker.url));
    const b = summarize(bare);
    const a = summarize(viaApi);
    const result = {
      iterations,
      bareSpawn: b,
      execute: a,
      overhead: { p50: a.p50 - b.p50, p95: a.p95 - b.p95 },
      relay,
    };
    console.log("\n## Execution");
    console.table({
      "bare spawn of the agent": { p50: ms(b.p50), p95: ms(b.p95) },
      "POST /cursor/execute": { p50: ms(a.p50), p95: ms(a.p95) },
      "runner overhead (difference)": { p50: ms(result.overhead.p50), p95: ms(result.overhead.p95) },
    });
    console.table({
      "stdout line → SSE client": { n: relay.n, p50: ms(relay.p50), p95: ms(relay.p95), p99: ms(relay.p99), max: ms(relay.max) },
    });
    return result;
  } finally {
    await instant.close();
    await ticker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
