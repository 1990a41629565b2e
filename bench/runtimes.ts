// Node-only: the bench client (this process) measures the real server on Node and on Bun, alternating.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUNTIMES, type Runtime, type ServerProcess, startServerProcess } from "../tests/support/server-process";
import { ms, summarize } from "./stats";

const INSTANT_AGENT = join(import.meta.dirname, "fixtures", "instant-agent.sh");
const TICKER_AGENT = join(import.meta.dirname, "fixtures", "ticker-agent.mjs");

type Stats = ReturnType<typeof summarize>;

/** One server per runtime and agent, all started alike (as `npm start` / `npm run start:bun`). */
async function startRunner(dir: string, runtime: Runtime, agent: string): Promise<ServerProcess> {
  return startServerProcess(
    {
      DATABASE_URL: `file:${join(dir, `${runtime}-${Math.random().toString(36).slice(2)}.db`)}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      CURSOR_CLI_PATH: agent,
      LOG_LEVEL: "warn",
    },
    { runtime },
  );
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function getJson(url: string): Promise<void> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  await res.arrayBuffer();
}

async function execute(url: string): Promise<void> {
  const res = await fetch(`${url}/cursor/execute`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ prompt: "bench", repository: "demo" }),
  });
  const body = (await res.json()) as { agentSucceeded?: boolean };
  if (!body.agentSucceeded) throw new Error(`bench run failed: ${JSON.stringify(body)}`);
}

/** Spawns the agent as the runner does (own process group, stdin closed): the part of an execute no runtime can save. */
function bareSpawn(cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(INSTANT_AGENT, ["--print", "x"], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.once("error", reject);
    child.once("close", () => resolve());
  });
}

/**
 * Sequential latency of `work` against each runtime, interleaved request by request (the order
 * flips every round), so machine noise hits both alike.
 */
async function alternate(
  servers: Record<Runtime, ServerProcess>,
  rounds: number,
  work: (server: ServerProcess) => Promise<void>,
): Promise<Record<Runtime, Stats>> {
  const samples: Record<Runtime, number[]> = { node: [], bun: [] };
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? RUNTIMES : [...RUNTIMES].reverse();
    for (const runtime of order) samples[runtime].push(await timed(() => work(servers[runtime])));
  }
  return { node: summarize(samples.node), bun: summarize(samples.bun) };
}

/** Requests per second with `concurrency` clients sharing `total` requests; blocks alternate between runtimes. */
async function throughput(
  servers: Record<Runtime, ServerProcess>,
  { blocks, perBlock, concurrency }: { blocks: number; perBlock: number; concurrency: number },
  work: (server: ServerProcess) => Promise<void>,
): Promise<Record<Runtime, number>> {
  const elapsed: Record<Runtime, number> = { node: 0, bun: 0 };
  for (let block = 0; block < blocks; block++) {
    const order = block % 2 === 0 ? RUNTIMES : [...RUNTIMES].reverse();
    for (const runtime of order) {
      let left = perBlock;
      elapsed[runtime] += await timed(async () => {
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (left-- > 0) await work(servers[runtime]);
          }),
        );
      });
    }
  }
  const requests = blocks * perBlock;
  return { node: (requests / elapsed.node) * 1000, bun: (requests / elapsed.bun) * 1000 };
}

/** Agent stdout line (stamped at write) → SSE client receipt, for one run. */
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
      const data = buffer
        .slice(0, end)
        .split("\n")
        .find((line) => line.startsWith("data: "));
      buffer = buffer.slice(end + 2);
      const text = data ? (JSON.parse(data.slice(6)) as { text?: string }).text : undefined;
      const match = text && /^tick \d+ ([\d.]+)$/.exec(text);
      if (match) latencies.push(received - Number(match[1]));
      end = buffer.indexOf("\n\n");
    }
  }
  return latencies;
}

const ratio = (bun: number, node: number) => `${(bun / node).toFixed(2)}×`;

/**
 * `npm run bench -- runtimes`: GET /health, GET /api/tasks (50 tasks), POST /cursor/execute overhead
 * and SSE relay, each measured on the Node server and the Bun server in the same run, alternating.
 * Ratios are Bun / Node (below 1 = Bun is faster for latencies; above 1 = Bun serves more per second).
 */
export async function benchRuntimes({ rounds = 500, executeRounds = 150, warmup = 30, relayRuns = 2 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "runner-bench-runtimes-"));
  const repo = join(dir, "repos", "demo");
  mkdirSync(repo, { recursive: true });
  const started: ServerProcess[] = [];
  const start = async (runtime: Runtime, agent: string) => {
    const server = await startRunner(dir, runtime, agent);
    started.push(server);
    return server;
  };
  try {
    const servers = { node: await start("node", INSTANT_AGENT), bun: await start("bun", INSTANT_AGENT) };
    const tickers = { node: await start("node", TICKER_AGENT), bun: await start("bun", TICKER_AGENT) };
    for (const server of Object.values(servers)) {
      for (let i = 0; i < 50; i++) {
        await fetch(`${server.url}/api/tasks`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ prompt: `bench task ${i}`, order: i % 7 }),
        });
      }
    }
    const health = (s: ServerProcess) => getJson(`${s.url}/health`);
    const tasks = (s: ServerProcess) => getJson(`${s.url}/api/tasks`);
    const run = (s: ServerProcess) => execute(s.url);
    await alternate(servers, warmup, health);
    await alternate(servers, warmup, tasks);
    await alternate(servers, warmup, run);

    const healthLatency = await alternate(servers, rounds, health);
    const tasksLatency = await alternate(servers, rounds, tasks);
    const healthRps = await throughput(servers, { blocks: 6, perBlock: 500, concurrency: 8 }, health);
    const tasksRps = await throughput(servers, { blocks: 6, perBlock: 250, concurrency: 8 }, tasks);

    // Execute: the same bare spawn is interleaved, so each runtime's overhead is execute − spawn.
    const bare: number[] = [];
    const executeLatency = await alternate(servers, executeRounds, async (server) => {
      if (server === servers.node) bare.push(await timed(() => bareSpawn(repo)));
      await run(server);
    });
    const spawnStats = summarize(bare);

    const relaySamples: Record<Runtime, number[]> = { node: [], bun: [] };
    for (let i = 0; i < relayRuns; i++) {
      for (const runtime of i % 2 === 0 ? RUNTIMES : [...RUNTIMES].reverse()) {
        relaySamples[runtime].push(...(await relayLatencies(tickers[runtime].url)));
      }
    }
    const relay = { node: summarize(relaySamples.node), bun: summarize(relaySamples.bun) };

    const overhead = (runtime: Runtime) => ({
      p50: executeLatency[runtime].p50 - spawnStats.p50,
      p95: executeLatency[runtime].p95 - spawnStats.p95,
    });
    const result = {
      health: { latency: healthLatency, rps: healthRps },
      tasks: { latency: tasksLatency, rps: tasksRps },
      execute: { latency: executeLatency, bareSpawn: spawnStats, overhead: { node: overhead("node"), bun: overhead("bun") } },
      relay,
    };

    console.log("\n## Runtimes (Node vs Bun, same run, alternating; ratio = Bun / Node)");
    const row = (node: Stats, bun: Stats) => ({
      "node p50": ms(node.p50),
      "bun p50": ms(bun.p50),
      "p50 ratio": ratio(bun.p50, node.p50),
      "node p95": ms(node.p95),
      "bun p95": ms(bun.p95),
      "p95 ratio": ratio(bun.p95, node.p95),
    });
    console.table({
      "GET /health": row(healthLatency.node, healthLatency.bun),
      "GET /api/tasks (50)": row(tasksLatency.node, tasksLatency.bun),
      "POST /cursor/execute": row(executeLatency.node, executeLatency.bun),
      "stdout line → SSE client": row(relay.node, relay.bun),
    });
    const on = (runtime: Runtime) => result.execute.overhead[runtime];
    console.table({
      "execute overhead (minus bare spawn)": {
        "bare spawn p50": ms(spawnStats.p50),
        "node p50": ms(on("node").p50),
        "bun p50": ms(on("bun").p50),
        "p50 ratio": ratio(on("bun").p50, on("node").p50),
        "node p95": ms(on("node").p95),
        "bun p95": ms(on("bun").p95),
      },
    });
    console.table({
      "GET /health, 8 concurrent": {
        "node req/s": healthRps.node.toFixed(0),
        "bun req/s": healthRps.bun.toFixed(0),
        ratio: ratio(healthRps.bun, healthRps.node),
      },
      "GET /api/tasks, 8 concurrent": {
        "node req/s": tasksRps.node.toFixed(0),
        "bun req/s": tasksRps.bun.toFixed(0),
        ratio: ratio(tasksRps.bun, tasksRps.node),
      },
    });
    return result;
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
