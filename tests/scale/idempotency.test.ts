import { describe, expect, it } from "vitest";
import { useCluster, WEBHOOK_SECRET } from "../support/cluster";
import type { ServerProcess } from "../support/server-process";

/** Idempotency-Key across instances: the key is reserved in the shared database. */
describe("Idempotency-Key on two instances sharing one sqld", () => {
  const startCluster = useCluster();

  it("the same request sent to both at once starts one run; a retry anywhere gets the first answer", async () => {
    const c = await startCluster("runner-idem-", { RUN_HEARTBEAT_MS: "200" });
    const [a, b] = c.servers as [ServerProcess, ServerProcess];
    const send = async (server: ServerProcess, key: string, n: number) => {
      const res = await fetch(`${server.url}/cursor/execute/async`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key, "X-Webhook-Secret": WEBHOOK_SECRET },
        body: JSON.stringify({ prompt: `SAY ${n}`, repository: "demo" }),
      });
      return { status: res.status, replayed: res.headers.get("Idempotent-Replayed") === "true", body: (await res.json()) as any };
    };
    const KEYS = 20;
    const pairs = await Promise.all(
      Array.from({ length: KEYS }, (_, n) => Promise.all([send(a, `k-${n}`, n), send(b, `k-${n}`, n)])),
    );
    for (const [first, second] of pairs) {
      const answers = [first, second];
      // One of them did the work; the other got its answer or was told it was still being answered.
      expect(answers.filter((x) => x.status === 200 && !x.replayed)).toHaveLength(1);
      const other = answers.find((x) => x.replayed || x.status === 409);
      expect(other, JSON.stringify(answers)).toBeDefined();
    }
    const runs = Number((await c.db.execute("SELECT COUNT(*) AS n FROM runs")).rows[0]?.n);
    expect(runs).toBe(KEYS);
    // Retried later on either instance: the first answer, word for word.
    for (let n = 0; n < KEYS; n++) {
      const original = pairs[n]?.find((x) => x.status === 200 && !x.replayed);
      const retry = await send(n % 2 ? a : b, `k-${n}`, n);
      expect(retry).toMatchObject({ status: 200, replayed: true, body: original?.body });
    }
    expect(Number((await c.db.execute("SELECT COUNT(*) AS n FROM runs")).rows[0]?.n)).toBe(KEYS);
  }, 120_000);
});
