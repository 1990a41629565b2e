import type { Client } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOutbox } from "../../src/callbacks/outbox";
import type { MigrationSource } from "../../src/db/migration-file";
import { createMigrator } from "../../src/db/migrator";
import { migrateUp, openNodeDatabase } from "../../src/node/database";
import { createRunStore } from "../../src/runs/store";
import { type SqldServer, startSqld } from "../support/sqld";

/**
 * The service's database code against a real libSQL server (sqld) over HTTP and WebSockets, as
 * several instances sharing one database use it: migrations at start-up, write transactions,
 * batches and `UPDATE … RETURNING` claims.
 */

/** Migrations that fail or leave a trace when applied twice (a duplicate column, a second log row). */
const STRICT: MigrationSource[] = [
  { name: "0001_log", up: "CREATE TABLE applied (name TEXT NOT NULL)", down: "DROP TABLE applied" },
  ...[2, 3, 4, 5, 6].map((n) => ({
    name: `000${n}_step`,
    up: `INSERT INTO applied (name) VALUES ('000${n}');\nALTER TABLE applied ADD COLUMN c${n} TEXT;`,
    down: `ALTER TABLE applied DROP COLUMN c${n};\nDELETE FROM applied WHERE name = '000${n}'`,
  })),
];

const open = (url: string) => openNodeDatabase({ url, authToken: undefined });

for (const transport of ["http", "ws"] as const) {
  describe(`libSQL server over ${transport}`, () => {
    let sqld: SqldServer;
    const clients: Client[] = [];
    const url = () => (transport === "http" ? sqld.url : sqld.wsUrl);
    const client = async () => {
      const db = await open(url());
      clients.push(db);
      return db;
    };

    beforeAll(async () => {
      sqld = await startSqld();
    });
    afterAll(async () => {
      for (const db of clients) db.close();
      await sqld?.close();
    });

    it("four instances migrating a fresh database at the same moment: none fails, each migration runs once", async () => {
      const dbs = await Promise.all([1, 2, 3, 4].map(() => client()));
      // The shared tracking table exists before anyone migrates in a real deployment only by luck.
      const results = await Promise.all(dbs.map((db) => createMigrator(db, STRICT).up()));

      const reported = results.flat();
      expect(reported.sort()).toEqual(STRICT.map((m) => m.name)); // each name reported by exactly one instance
      const db = dbs[0] as Client;
      const applied = await db.execute("SELECT name FROM applied ORDER BY name");
      expect(applied.rows.map((r) => r.name)).toEqual(["0002", "0003", "0004", "0005", "0006"]);
      const recorded = await db.execute("SELECT name FROM schema_migrations ORDER BY name");
      expect(recorded.rows.map((r) => r.name)).toEqual(STRICT.map((m) => m.name));
      // A later start finds nothing to do.
      expect(await createMigrator(db, STRICT).up()).toEqual([]);
    });

    it("the real migrations: two instances starting together both come up on one schema", async () => {
      // A second database on the same server would need namespaces; drop the probe tables instead.
      const [a, b] = await Promise.all([client(), client()]);
      await (a as Client).executeMultiple("DROP TABLE applied; DROP TABLE schema_migrations;");
      const [first, second] = await Promise.all([migrateUp(a as Client), migrateUp(b as Client)]);
      const all = [...first, ...second].sort();
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBeGreaterThan(0);
      const recorded = await (a as Client).execute("SELECT name FROM schema_migrations ORDER BY name");
      expect(recorded.rows.map((r) => String(r.name))).toEqual(all);
    });

    it("run claims: settle once, stale sweep with RETURNING, heartbeat keeps a run", async () => {
      const [a, b] = await Promise.all([client(), client()]);
      const storeA = createRunStore(a as Client);
      const storeB = createRunStore(b as Client);
      const base = { requestId: "req", agent: "cursor" as const, mode: "async" as const, cwd: "/tmp", prompt: "p" };
      const run = await storeA.create({ ...base, id: crypto.randomUUID() }, "instance-a");
      expect(run).toMatchObject({ status: "queued", prompt: "p" });
      expect(await storeA.markRunning(run.id, { command: ["x"], pid: null })).toMatchObject({ status: "running" });

      // The owner and another instance settle the same run at the same moment: exactly one wins.
      const finish = { reason: "exited", exitCode: 0, output: "ok", stderr: null, error: null };
      const [mine, theirs] = await Promise.all([
        storeA.finish(run.id, { ...finish, status: "succeeded" }, 1),
        storeB.finish(run.id, { ...finish, status: "cancelled" }, 1),
      ]);
      expect([mine, theirs].filter(Boolean)).toHaveLength(1);

      // A run heart-beaten just now survives a sweep; one left alone is failed by exactly one sweeper.
      const kept = await storeA.create({ ...base, id: crypto.randomUUID() }, "instance-a");
      const abandoned = await storeA.create({ ...base, id: crypto.randomUUID() }, "instance-dead");
      await new Promise((resolve) => setTimeout(resolve, 30));
      const cutoff = new Date(Date.now() - 1); // after both creations, before the heartbeat
      await storeA.heartbeat([kept.id]);
      const sweeps = await Promise.all([storeA.failStale(cutoff, "gone"), storeB.failStale(cutoff, "gone")]);
      const swept = sweeps.flat().filter((r) => r.id === kept.id || r.id === abandoned.id);
      expect(swept.map((r) => r.id)).toEqual([abandoned.id]);
      expect(await storeB.get(kept.id)).toMatchObject({ status: "queued" });
      expect(await storeB.get(abandoned.id)).toMatchObject({ status: "failed", reason: "interrupted", error: "gone" });
    });

    it("callback leases: two instances polling hard never hold one delivery at once; batches record attempts", async () => {
      const [a, b] = await Promise.all([client(), client()]);
      const outboxA = createOutbox(a as Client);
      const outboxB = createOutbox(b as Client);
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) ids.add((await outboxA.enqueue({ url: "http://127.0.0.1:9/cb", payload: { i } })).id);

      const claimedBy = new Map<string, string[]>();
      await Promise.all(
        [
          ["a", outboxA],
          ["b", outboxB],
        ].flatMap(([name, outbox]) =>
          [1, 2, 3].map(async () => {
            const box = outbox as typeof outboxA;
            for (let round = 0; round < 5; round++) {
              for (const d of await box.claimDue({ instanceId: String(name), limit: 3, leaseMs: 60_000 })) {
                if (!ids.has(d.id)) continue;
                claimedBy.set(d.id, [...(claimedBy.get(d.id) ?? []), String(name)]);
                const at = new Date().toISOString();
                const done = await box.finishAttempt(
                  d,
                  { kind: "delivered", startedAt: at, durationMs: 1, httpStatus: 200 },
                  String(name),
                );
                expect(done).toMatchObject({ status: "delivered", attempts: 1 });
              }
            }
          }),
        ),
      );
      expect([...claimedBy.keys()].sort()).toEqual([...ids].sort());

      for (const holders of claimedBy.values()) expect(holders).toHaveLength(1);
      const attempts = await (a as Client).execute(
        "SELECT delivery_id, COUNT(*) AS n FROM callback_attempts GROUP BY delivery_id",
      );
      expect(attempts.rows.filter((r) => ids.has(String(r.delivery_id))).map((r) => Number(r.n))).toEqual(Array(20).fill(1));
    });
  });
}
