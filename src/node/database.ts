import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "@libsql/client";
import { createClient } from "@libsql/client";
import type { Config } from "../config";
import { openDatabase } from "../db/client";
import { createMigrator } from "../db/migrator";
import { readMigrations } from "./migrations";

/** Opens the configured database, creating the folder of a local file on first start. */
export async function openNodeDatabase(database: Config["database"]): Promise<Client> {
  if (database.url.startsWith("file:")) {
    const path = database.url.startsWith("file://") ? fileURLToPath(database.url) : database.url.slice("file:".length);
    await mkdir(dirname(path), { recursive: true });
  }
  return openDatabase(createClient, database);
}

/** Applies pending migrations from `migrations/`; returns the names applied. */
export async function migrateUp(db: Client): Promise<string[]> {
  return createMigrator(db, await readMigrations()).up();
}
