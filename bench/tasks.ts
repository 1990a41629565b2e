import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { type ServerProcess, startServerProcess } from "../tests/support/server-process";
import { startSqld } from "../tests/support/sqld";
import { ms, summarize } from "./stats";

const INSTANT_AGENT = join(import.meta.dirname, "fixtures", "instant-agent.sh");
const BURST = 120;
const SINGLES = 40;

interface Setup {
  name: string;
  servers: ServerProcess[];
  db: ReturnType<typeof createClient>;
  close(): Promise<void>;
}

async function startSetup(name: string, dir: string, instances: number, databaseUrl: string): Promise<Setup> {
  const env = {
    DATABASE_URL: databaseUrl,
    REPOSITORIES_PATH: join(dir, "repos"),
    CURSOR_CLI_PATH: INSTANT_AGENT,
    LOG_LEVEL: "warn",
    RUN_LINGER_MS: "300",
  };
  const servers = await Promise.all(Array.from({ length: instances }, () => startServerProcess(env)));
  const db = createClient({ url: databaseUrl });
  return {
    name,
    servers,
    db,
    close: async () => {
      await Promise.all(servers.map((s) => s.stop()));
      db.close();
    },
  };
}

const post = async (server: ServerProcess, n: number) => {
  const res = await fetch(`${server.url}/tasks`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ description: `bench ${n}`, repository: "demo" }),
  });
  if (res.status !== 201) throw new Error(`POST /tasks: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
};

const completed = async (db: Setup["db"], ids: string[]) => {
  const marks = ids.map(() => "?").join(",");
  const rows = await db.execute({ sql: `SELECT status FROM agent_tasks WHERE id IN (${marks})`, args: ids });
  const failed = rows.rows.find((r) => r.status === "FAILED");
  if (failed) throw new Error("a bench task failed");
  return rows.rows.filter((r) => r.status === "COMPLETED").length;
};

async function waitCompleted(db: Setup["db"], ids: string[]) {
  for (;;) {
    if ((await completed(db, ids)) === ids.length) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Claim latency: one task at a time into an idle processor; created → claimed (executedAt), from the database. */
async function claimLatency(setup: Setup): Promise<number[]> {
  const samples: number[] = [];
  for (let n = 0; n < SINGLES; n++) {
    // Alternate the instance that accepts it: with two, half are claimed by the other one.
    const id = await post(setup.servers[n % setup.servers.length] as ServerProcess, n);
    await waitCompleted(setup.db, [id]);
    const row = (await setup.db.execute({ sql: "SELECT created_at, executed_at FROM agent_tasks WHERE id = ?", args: [id] }))
      .rows[0];
    samples.push(Date.parse(String(row?.executed_at)) - Date.parse(String(row?.created_at)));
  }
  return samples;
}

/** Throughput: BURST tasks posted at once (spread over the instances), until all are COMPLETED. */
async function burst(setup: Setup): Promise<number> {
  const started = performance.now();
  const ids = await Promise.all(
    Array.from({ length: BURST }, (_, n) => post(setup.servers[n % setup.servers.length] as ServerProcess, n)),
  );
  await waitCompleted(setup.db, ids);
  return (BURST / (performance.now() - started)) * 1000;
}

/**
 * `npm run bench -- tasks`: the task engine's claim latency and throughput with one instance and
 * with two sharing one sqld, measured in one run. The agent answers at once, so the numbers are the
 * engine's (claim, run, messages, settle), not an agent's.
 */
export async function benchTasks() {
  const dir = mkdtempSync(join(tmpdir(), "runner-bench-tasks-"));
  mkdirSync(join(dir, "repos", "demo"), { recursive: true });
  const sqld = await startSqld();
  const setups: Setup[] = [];
  try {
    setups.push(await startSetup("1 instance, libSQL file", dir, 1, `file:${join(dir, "file.db")}`));
    setups.push(await startSetup("1 instance, sqld", dir, 1, sqld.url));
    const results = [];
    for (const setup of setups) {
      results.push({ name: setup.name, claim: summarize(await claimLatency(setup)), rate: await burst(setup) });
      await setup.close();
    }
    // A second sqld database for the two-instance run, so it starts as empty as the others.
    const sqld2 = await startSqld();
    try {
      const two = await startSetup("2 instances, one sqld", dir, 2, sqld2.url);
      results.push({ name: two.name, claim: summarize(await claimLatency(two)), rate: await burst(two) });
      await two.close();
    } finally {
      await sqld2.close();
    }
    const base = results[1]?.rate ?? 1;
    console.log(`\nTask engine (instant agent; claim latency over ${SINGLES} tasks one at a time; burst of ${BURST})`);
    console.log("| setup | claim p50 | claim p95 | tasks/s | vs 1 instance on sqld |");
    console.log("|---|---|---|---|---|");
    for (const r of results) {
      console.log(
        `| ${r.name} | ${ms(r.claim.p50)} | ${ms(r.claim.p95)} | ${r.rate.toFixed(1)} | ${(r.rate / base).toFixed(2)}× |`,
      );
    }
    return results;
  } finally {
    await sqld.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
