import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseMigrationFile } from "../../src/db/migration-file";
import { createMigrator } from "../../src/db/migrator";
import { openNodeDatabase } from "../../src/node/database";
import { readMigrations } from "../../src/node/migrations";

let dir: string;
let db: Client;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "cursor-runner-migrator-"));
  db = await openNodeDatabase({ url: `file:${join(dir, "test.db")}`, authToken: undefined });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function userTables(): Promise<string[]> {
  const result = await db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return result.rows.map((row) => String(row.name));
}

async function recorded(): Promise<string[]> {
  const result = await db.execute("SELECT name FROM schema_migrations ORDER BY name");
  return result.rows.map((row) => String(row.name));
}

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

async function columns(table: string): Promise<Column[]> {
  const result = await db.execute(`PRAGMA table_info(${table})`);
  return result.rows.map((row) => ({
    name: String(row.name),
    type: String(row.type),
    notnull: Number(row.notnull),
    dflt_value: row.dflt_value == null ? null : String(row.dflt_value),
    pk: Number(row.pk),
  }));
}

/** Indexes created by the migration (not SQLite's automatic ones), with uniqueness and columns. */
async function indexes(table: string): Promise<Record<string, { unique: boolean; columns: string[] }>> {
  const list = await db.execute(`PRAGMA index_list(${table})`);
  const out: Record<string, { unique: boolean; columns: string[] }> = {};
  for (const row of list.rows) {
    if (row.origin !== "c") continue;
    const info = await db.execute(`PRAGMA index_info("${String(row.name)}")`);
    out[String(row.name)] = { unique: Number(row.unique) === 1, columns: info.rows.map((r) => String(r.name)) };
  }
  return out;
}

const col = (name: string, type: string, notnull: 0 | 1, dflt_value: string | null = null, pk = 0): Column => ({
  name,
  type,
  notnull,
  dflt_value,
  pk,
});

describe("migrator over the repository's migrations", () => {
  it("goes up → down (all) → up again, recording names without extension", async () => {
    const sources = await readMigrations();
    const names = sources.map((s) => s.name);
    expect(names.slice(0, 4)).toEqual([
      "0001_create_system_settings",
      "0002_create_tasks",
      "0003_create_git_credentials",
      "0004_create_telegram_bots",
    ]);
    const migrator = createMigrator(db, sources);

    expect(await migrator.status()).toEqual({ executed: [], pending: names });
    expect(await migrator.up()).toEqual(names);
    expect(await recorded()).toEqual(names);
    expect((await recorded()).every((name) => !name.includes("."))).toBe(true);
    expect(await userTables()).toEqual(
      expect.arrayContaining(["git_credentials", "schema_migrations", "system_settings", "tasks", "telegram_bots"]),
    );
    const executedAt = await db.execute("SELECT executed_at FROM schema_migrations");
    for (const row of executedAt.rows) expect(new Date(String(row.executed_at)).toISOString()).toBe(row.executed_at);

    // One step back reverts only the last.
    expect(await migrator.down()).toEqual([names.at(-1)]);
    expect(await migrator.status()).toEqual({ executed: names.slice(0, -1), pending: names.slice(-1) });

    // All the way down: only the tracking table is left, and it is empty.
    expect(await migrator.down(names.length - 1)).toEqual(names.slice(0, -1).reverse());
    expect(await userTables()).toEqual(["schema_migrations"]);
    expect(await recorded()).toEqual([]);
    expect(await migrator.status()).toEqual({ executed: [], pending: names });

    // Nothing left to revert.
    expect(await migrator.down()).toEqual([]);

    // And up again.
    expect(await migrator.up()).toEqual(names);
    expect(await recorded()).toEqual(names);
    expect(await migrator.status()).toEqual({ executed: names, pending: [] });
  });

  it("is idempotent: a second up (even by a fresh migrator) applies nothing and duplicates nothing", async () => {
    const sources = await readMigrations();
    await createMigrator(db, sources).up();
    const before = await db.execute("SELECT name, executed_at FROM schema_migrations ORDER BY name");
    const schemaBefore = await db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name");

    expect(await createMigrator(db, sources).up()).toEqual([]);
    const after = await db.execute("SELECT name, executed_at FROM schema_migrations ORDER BY name");
    expect(after.rows).toEqual(before.rows);
    expect((await db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name")).rows).toEqual(schemaBefore.rows);
  });

  it("creates the tables and indexes of §9.1", async () => {
    await createMigrator(db, await readMigrations()).up();
    const now = "CURRENT_TIMESTAMP";

    expect(await columns("schema_migrations")).toEqual([col("name", "TEXT", 0, null, 1), col("executed_at", "TEXT", 1)]);

    expect(await columns("system_settings")).toEqual([
      col("name", "TEXT", 1, null, 1),
      col("value", "INTEGER", 1, "0"),
      col("created_at", "TEXT", 1, now),
      col("updated_at", "TEXT", 1, now),
    ]);
    expect(await indexes("system_settings")).toEqual({ index_system_settings_on_name: { unique: true, columns: ["name"] } });

    expect(await columns("tasks")).toEqual([
      col("id", "INTEGER", 0, null, 1),
      col("prompt", "TEXT", 1),
      col("order", "INTEGER", 1, "0"),
      col("createdat", "TEXT", 1, now),
      col("updatedat", "TEXT", 1, now),
      col("uuid", "TEXT", 0),
      col("status", "INTEGER", 1, "0"),
    ]);
    expect(await indexes("tasks")).toEqual({
      index_tasks_on_status: { unique: false, columns: ["status"] },
      index_tasks_on_order: { unique: false, columns: ["order"] },
      index_tasks_on_status_and_order: { unique: false, columns: ["status", "order"] },
      index_tasks_on_uuid: { unique: true, columns: ["uuid"] },
    });

    expect(await columns("git_credentials")).toEqual([
      col("id", "INTEGER", 0, null, 1),
      col("name", "TEXT", 1),
      col("username", "TEXT", 0),
      col("password", "TEXT", 0),
      col("token", "TEXT", 0),
      col("repository_url", "TEXT", 0),
      col("active", "INTEGER", 1, "1"),
      col("created_at", "TEXT", 1, now),
      col("updated_at", "TEXT", 1, now),
    ]);
    expect(await indexes("git_credentials")).toEqual({
      index_git_credentials_on_name: { unique: true, columns: ["name"] },
      index_git_credentials_on_active: { unique: false, columns: ["active"] },
      index_git_credentials_on_repository_url: { unique: false, columns: ["repository_url"] },
    });

    expect(await columns("telegram_bots")).toEqual([
      col("id", "INTEGER", 0, null, 1),
      col("name", "TEXT", 1),
      col("bot_token", "TEXT", 1),
      col("webhook_secret", "TEXT", 1),
      col("bot_type", "TEXT", 1),
      col("active", "INTEGER", 1, "1"),
      col("created_at", "TEXT", 1, now),
      col("updated_at", "TEXT", 1, now),
    ]);
    expect(await indexes("telegram_bots")).toEqual({
      index_telegram_bots_on_name: { unique: true, columns: ["name"] },
      index_telegram_bots_on_bot_token: { unique: true, columns: ["bot_token"] },
      index_telegram_bots_on_webhook_secret: { unique: true, columns: ["webhook_secret"] },
      index_telegram_bots_on_active: { unique: false, columns: ["active"] },
      index_telegram_bots_on_bot_type: { unique: false, columns: ["bot_type"] },
    });

    // AUTOINCREMENT as in the original (ids are never reused).
    const tasksSql = await db.execute("SELECT sql FROM sqlite_master WHERE name = 'tasks'");
    expect(String(tasksSql.rows[0]?.sql)).toMatch(/id INTEGER PRIMARY KEY AUTOINCREMENT/);
  });
});

describe("a failing migration", () => {
  it("rejects, leaves no record and no half-applied table, and keeps the ones before it", async () => {
    const migrations = join(dir, "migrations");
    mkdirSync(migrations);
    writeFileSync(
      join(migrations, "0001_good.sql"),
      "-- migrate:up\nCREATE TABLE good (id INTEGER);\n-- migrate:down\nDROP TABLE good;\n",
    );
    writeFileSync(
      join(migrations, "0002_bad.sql"),
      [
        "-- migrate:up",
        "CREATE TABLE half (id INTEGER);",
        "CREATE INDEX index_half_on_id ON half (id);",
        "INSERT INTO table_that_does_not_exist VALUES (1);",
        "-- migrate:down",
        "DROP TABLE half;",
      ].join("\n"),
    );
    writeFileSync(
      join(migrations, "0003_after.sql"),
      "-- migrate:up\nCREATE TABLE after_bad (id INTEGER);\n-- migrate:down\nDROP TABLE after_bad;\n",
    );
    const sources = await readMigrations(migrations);
    expect(sources.map((s) => s.name)).toEqual(["0001_good", "0002_bad", "0003_after"]);
    const migrator = createMigrator(db, sources);

    await expect(migrator.up()).rejects.toThrow(/table_that_does_not_exist/);

    expect(await recorded()).toEqual(["0001_good"]);
    expect(await userTables()).toEqual(["good", "schema_migrations"]);
    const halfIndex = await db.execute("SELECT name FROM sqlite_master WHERE name = 'index_half_on_id'");
    expect(halfIndex.rows).toEqual([]);
    expect(await migrator.status()).toEqual({ executed: ["0001_good"], pending: ["0002_bad", "0003_after"] });

    // The database is still usable, and fixing the file lets the rest apply.
    writeFileSync(
      join(migrations, "0002_bad.sql"),
      "-- migrate:up\nCREATE TABLE half (id INTEGER);\n-- migrate:down\nDROP TABLE half;\n",
    );
    expect(await createMigrator(db, await readMigrations(migrations)).up()).toEqual(["0002_bad", "0003_after"]);
    expect(await userTables()).toEqual(["after_bad", "good", "half", "schema_migrations"]);
  });

  it("a failing down keeps its record and its table", async () => {
    const migrations = join(dir, "down-fails");
    mkdirSync(migrations);
    writeFileSync(
      join(migrations, "0001_keep.sql"),
      "-- migrate:up\nCREATE TABLE keep (id INTEGER);\n-- migrate:down\nDROP TABLE keep;\nDROP TABLE not_there;\n",
    );
    const migrator = createMigrator(db, await readMigrations(migrations));
    await migrator.up();
    await expect(migrator.down()).rejects.toThrow(/not_there/);
    expect(await recorded()).toEqual(["0001_keep"]);
    expect(await userTables()).toEqual(["keep", "schema_migrations"]);
  });
});

describe("parseMigrationFile", () => {
  it("splits the up and down parts and names the migration without extension", () => {
    const parsed = parseMigrationFile(
      "0007_add_things.sql",
      "-- migrate:up\nCREATE TABLE things (id INTEGER);\n\n--   migrate:down  \nDROP TABLE things;\n",
    );
    expect(parsed).toEqual({ name: "0007_add_things", up: "CREATE TABLE things (id INTEGER);", down: "DROP TABLE things;" });
  });

  it("accepts an empty down part", () => {
    expect(parseMigrationFile("0001_x.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n").down).toBe("");
  });

  it.each([
    ["no up part", "-- migrate:down\nDROP TABLE x;\n", /0001_x\.sql has no "-- migrate:up" section/],
    ["an empty up part", "-- migrate:up\n\n-- migrate:down\nDROP TABLE x;\n", /has no "-- migrate:up" section/],
    ["no down part", "-- migrate:up\nCREATE TABLE x (id INTEGER);\n", /0001_x\.sql has no "-- migrate:down" section/],
    ["no markers at all", "CREATE TABLE x (id INTEGER);", /has no "-- migrate:up" section/],
    [
      "two up parts",
      "-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n-- migrate:down\n",
      /more than one "-- migrate:up" section/,
    ],
  ])("rejects a file with %s", (_what, sql, message) => {
    expect(() => parseMigrationFile("0001_x.sql", sql)).toThrow(message);
  });

  it.each(["1_short_number.sql", "0001_Upper_Case.sql", "0001-dash.sql", "0001_name.ts", "create_tasks.sql", "0001_.sql"])(
    "rejects the file name %s",
    (fileName) => {
      expect(() => parseMigrationFile(fileName, "-- migrate:up\nSELECT 1;\n-- migrate:down\n")).toThrow(
        `Migration file "${fileName}" must be named NNNN_name.sql`,
      );
    },
  );
});
