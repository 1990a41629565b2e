import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MIGRATION_FILE, type MigrationSource, migrationTemplate, parseMigrationFile } from "../db/migration-file";

/** The repository's `migrations/` folder, wherever the process was started from. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationSource[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".sql")).sort();
  return Promise.all(files.map(async (file) => parseMigrationFile(file, await readFile(join(dir, file), "utf8"))));
}

/** Writes `NNNN_<name>.sql` with the next free number; returns its path. */
export async function createMigrationFile(name: string, dir = MIGRATIONS_DIR): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`Migration name must be lower-case letters, digits and underscores (e.g. add_runs_table), got "${name}"`);
  }
  const numbers = (await readdir(dir))
    .map((file) => MIGRATION_FILE.exec(file)?.[1])
    .filter(Boolean)
    .map(Number);
  const next = String(Math.max(0, ...numbers) + 1).padStart(4, "0");
  const path = join(dir, `${next}_${name}.sql`);
  await writeFile(path, migrationTemplate(name), { flag: "wx" });
  return path;
}
