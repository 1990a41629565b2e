// Node-only: temp folders, a private redis-server and our Upstash-REST bridge in front of it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConversationService } from "../src/conversations";
import { createLibsqlConversationStore } from "../src/conversations/libsql";
import { createRedisConversationStore } from "../src/conversations/redis";
import type { ConversationStore } from "../src/conversations/types";
import { createUpstashConversationStore } from "../src/conversations/upstash";
import { migrateUp, openNodeDatabase } from "../src/node/database";
import { startRedisServer } from "../tests/support/redis";
import { startUpstashBridge } from "../tests/support/upstash-bridge";
import { ms, summarize } from "./stats";

type Stats = ReturnType<typeof summarize>;

export interface StoreNumbers {
  append: Stats;
  get: Stats;
  /** GET /api/list without paging: all 1,000 conversations. */
  listAll: Stats;
  /** One page of 20 out of 1,000. */
  listPage: Stats;
}

async function time(samples: number, work: (i: number) => Promise<unknown>): Promise<Stats> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await work(i);
    out.push(performance.now() - started);
  }
  return summarize(out);
}

/** The same workload on one store: appends and reads on one conversation, then lists over 1,000. */
async function measure(store: ConversationStore, { iterations, listed }: { iterations: number; listed: number }) {
  const conversations = createConversationService(store);
  const { conversationId } = await conversations.createConversation("api");
  const text = "x".repeat(200); // a typical chat turn
  for (let i = 0; i < 20; i++) await conversations.addMessage(conversationId, "user", text); // warm-up
  const append = await time(iterations, () => conversations.addMessage(conversationId, "assistant", text));
  const get = await time(iterations, () => conversations.getConversation(conversationId));
  const total = (await conversations.listConversations({ limit: 0 })).total;
  for (let i = total; i < listed; i++) await conversations.createConversation("api");
  const listAll = await time(20, async () => {
    const page = await conversations.listConversations();
    if (page.conversations.length !== listed) throw new Error(`listed ${page.conversations.length}, expected ${listed}`);
  });
  const listPage = await time(50, () => conversations.listConversations({ limit: 20, offset: 0 }));
  return { append, get, listAll, listPage } satisfies StoreNumbers;
}

/**
 * Conversation store latency, per backend, measured in one run: append a message and read a
 * conversation (the two calls every run makes), and list 1,000 conversations (all, and a page of 20).
 * libSQL is a local file; Redis is a private redis-server over TCP; Upstash is our REST bridge in
 * front of that same redis-server (so its numbers are HTTP round trips on loopback, not a region away).
 *
 * @example
 * const numbers = await benchConversations({ iterations: 200 });
 */
export async function benchConversations({ iterations = 200, listed = 1000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "runner-bench-conv-"));
  const redis = await startRedisServer();
  const bridge = await startUpstashBridge({ redisUrl: redis.url });
  const db = await openNodeDatabase({ url: `file:${join(dir, "bench.db")}`, authToken: undefined });
  const results: Record<string, StoreNumbers> = {};
  try {
    await migrateUp(db);
    const stores: [string, () => Promise<ConversationStore>][] = [
      ["libSQL (file)", async () => createLibsqlConversationStore(db)],
      ["Redis (TCP)", () => createRedisConversationStore({ url: redis.url })],
      ["Upstash (REST bridge)", async () => createUpstashConversationStore({ url: bridge.url, token: bridge.token })],
    ];
    for (const [name, open] of stores) {
      const store = await open();
      try {
        results[name] = await measure(store, { iterations, listed });
      } finally {
        await store.close();
      }
      // Redis-backed stores share one server: start the next one empty.
      if (name === "Redis (TCP)") await redis.restart();
    }
  } finally {
    db.close();
    await bridge.close();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("\n## Conversations");
  console.table(
    Object.fromEntries(
      Object.entries(results).map(([name, r]) => [
        name,
        {
          "append p50": ms(r.append.p50),
          "append p95": ms(r.append.p95),
          "get p50": ms(r.get.p50),
          "get p95": ms(r.get.p95),
          [`list ${listed} p50`]: ms(r.listAll.p50),
          "page of 20 p50": ms(r.listPage.p50),
        },
      ]),
    ),
  );
  return { iterations, listed, stores: results };
}
