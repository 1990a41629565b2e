// Node-only: temp folders and the migrations folder on disk.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { createMigrator } from "../../src/db/migrator";
import { readMigrations } from "../../src/node/migrations";

export interface TestDatabase {
  url: string;
  db: Client;
  /** Another client on the same file, as a second process would have. Closed by `cleanup`. */
  connect(): Client;
  cleanup(): void;
}

/**
 * A fresh libSQL file with only the conversations migration applied, so these suites do not depend
 * on unrelated schema work.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "cursor-runner-conversations-"));
  const url = `file:${join(dir, "conversations.db")}`;
  const clients: Client[] = [];
  const connect = () => {
    const client = createClient({ url });
    clients.push(client);
    return client;
  };
  const db = connect();
  await db.execute("PRAGMA journal_mode = WAL");
  const sources = (await readMigrations()).filter((source) => source.name === "0010_create_conversations");
  await createMigrator(db, sources).up();
  return {
    url,
    db,
    connect,
    cleanup() {
      for (const client of clients) client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
