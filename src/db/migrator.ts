// Node-only: umzug reads the file system. Workers never migrate; run `npm run migrate` against the server.
import type { Client } from "@libsql/client";
import { Umzug } from "umzug";
import { isBusyError } from "./client";
import type { MigrationSource } from "./migration-file";

export interface MigrationStatus {
  executed: string[];
  pending: string[];
}

const TRACKING_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  name TEXT PRIMARY KEY,
  executed_at TEXT NOT NULL
)`;

/**
 * Applies SQL migrations with umzug, recording applied names in `schema_migrations`.
 * Each migration runs in one write transaction together with its bookkeeping row, so a failing
 * migration leaves neither half-applied schema nor a false record behind.
 *
 * @example
 * const migrator = createMigrator(db, await readMigrations("migrations"));
 * await migrator.up();
 */
export function createMigrator(db: Client, sources: MigrationSource[]) {
  const sorted = [...sources].sort((a, b) => a.name.localeCompare(b.name));

  /** Names this migrator really applied (another instance migrating at the same moment may win some). */
  const appliedHere = new Set<string>();

  /** A shared server may refuse the write lock (SQLITE_BUSY) while another instance migrates: try again. */
  const inTransaction = async (...args: Parameters<typeof inTransactionOnce>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransactionOnce(...args);
      } catch (error) {
        if (!isBusyError(error) || attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  };

  const inTransactionOnce = async (sql: string, bookkeeping: { sql: string; args: (string | null)[] }, applyOnly?: string) => {
    const tx = await db.transaction("write");
    try {
      // Instances sharing a database may start together: both read the same pending list, then
      // queue on the write lock. Re-checked under the lock, the loser skips what the winner applied
      // instead of running a migration twice (an ALTER TABLE would fail the second time).
      if (applyOnly !== undefined) {
        const done = await tx.execute({ sql: "SELECT 1 FROM schema_migrations WHERE name = ?", args: [applyOnly] });
        if (done.rows.length > 0) {
          await tx.commit();
          return;
        }
      }
      if (sql) await tx.executeMultiple(sql);
      await tx.execute(bookkeeping);
      await tx.commit();
      if (applyOnly !== undefined) appliedHere.add(applyOnly);
    } catch (error) {
      await tx.rollback().catch(() => {});
      throw error;
    } finally {
      tx.close();
    }
  };

  const umzug = new Umzug({
    migrations: sorted.map((source) => ({
      name: source.name,
      up: () =>
        inTransaction(
          source.up,
          {
            sql: "INSERT OR IGNORE INTO schema_migrations (name, executed_at) VALUES (?, ?)",
            args: [source.name, new Date().toISOString()],
          },
          source.name,
        ),
      down: () => inTransaction(source.down, { sql: "DELETE FROM schema_migrations WHERE name = ?", args: [source.name] }),
    })),
    context: db,
    storage: {
      executed: async () => {
        await db.execute(TRACKING_TABLE);
        const rows = await db.execute("SELECT name FROM schema_migrations ORDER BY name");
        return rows.rows.map((row) => String(row.name));
      },
      // Recorded inside the migration's own transaction (above).
      logMigration: async () => {},
      unlogMigration: async () => {},
    },
    logger: undefined,
  });

  return {
    /** Applies every pending migration; returns the names applied. */
    async up(): Promise<string[]> {
      appliedHere.clear();
      const applied = await umzug.up();
      return applied.map((m) => m.name).filter((name) => appliedHere.has(name));
    },
    /** Reverts the last applied migration (or `step` of them); returns the names reverted. */
    async down(step = 1): Promise<string[]> {
      const reverted = await umzug.down({ step });
      return reverted.map((m) => m.name);
    },
    async status(): Promise<MigrationStatus> {
      const [executed, pending] = await Promise.all([umzug.executed(), umzug.pending()]);
      return { executed: executed.map((m) => m.name), pending: pending.map((m) => m.name) };
    },
  };
}

export type Migrator = ReturnType<typeof createMigrator>;
