import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseMigrationFile } from "../../src/db/migration-file";
import { runMigrateCli } from "../../src/node/cli";
import { readMigrations } from "../../src/node/migrations";

const REPO = resolve(import.meta.dirname, "../..");

let dir: string;
let env: Record<string, string>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cursor-runner-cli-"));
  env = { DATABASE_URL: `file:${join(dir, "cli.db")}` };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Captures what the CLI prints. */
function capture() {
  const lines = { log: [] as string[], error: [] as string[] };
  return {
    lines,
    out: {
      log: (...args: unknown[]) => lines.log.push(args.map(String).join(" ")),
      error: (...args: unknown[]) => lines.error.push(args.map(String).join(" ")),
    },
  };
}

async function recorded(): Promise<string[]> {
  const db = createClient({ url: env.DATABASE_URL as string });
  try {
    return (await db.execute("SELECT name FROM schema_migrations ORDER BY name")).rows.map((r) => String(r.name));
  } finally {
    db.close();
  }
}

describe("runMigrateCli", () => {
  it("status → up → status → down → down --step → up", async () => {
    const names = (await readMigrations()).map((m) => m.name);

    let c = capture();
    expect(await runMigrateCli(["status"], env, c.out)).toBe(0);
    expect(c.lines.log).toEqual([
      "=== Migration Status ===",
      "Executed (0):",
      `Pending (${names.length}):`,
      ...names.map((n) => `  ○ ${n}`),
    ]);

    c = capture();
    expect(await runMigrateCli(["up"], env, c.out)).toBe(0);
    expect(c.lines.log).toEqual([`Applied: ${names.join(", ")}`]);
    expect(await recorded()).toEqual(names);

    c = capture();
    expect(await runMigrateCli(["up"], env, c.out)).toBe(0);
    expect(c.lines.log).toEqual(["No pending migrations"]);

    c = capture();
    expect(await runMigrateCli(["status"], env, c.out)).toBe(0);
    expect(c.lines.log).toEqual([
      "=== Migration Status ===",
      `Executed (${names.length}):`,
      ...names.map((n) => `  ✓ ${n}`),
      "Pending (0):",
      "  (no pending migrations)",
    ]);

    c = capture();
    expect(await runMigrateCli(["down"], env, c.out)).toBe(0);
    expect(c.lines.log).toEqual([`Reverted: ${names.at(-1)}`]);
    expect(await recorded()).toEqual(names.slice(0, -1));

    c = capture();
    expect(await runMigrateCli(["down", "--step", String(names.length)], env, c.out)).toBe(0);
    expect(c.lines.log).toEqual([`Reverted: ${names.slice(0, -1).reverse().join(", ")}`]);
    expect(await recorded()).toEqual([]);

    c = capture();
    expect(await runMigrateCli(["down"], env, c.out)).toBe(0);
    expect(c.lines.log).toEqual(["Nothing to revert"]);

    c = capture();
    expect(await runMigrateCli(["up"], env, c.out)).toBe(0);
    expect(await recorded()).toEqual(names);
  });

  it("uses a given migrations folder", async () => {
    const migrations = join(dir, "migrations");
    mkdirSync(migrations);
    writeFileSync(
      join(migrations, "0001_only.sql"),
      "-- migrate:up\nCREATE TABLE only (id INTEGER);\n-- migrate:down\nDROP TABLE only;\n",
    );
    const c = capture();
    expect(await runMigrateCli(["up"], env, c.out, { dir: migrations })).toBe(0);
    expect(c.lines.log).toEqual(["Applied: 0001_only"]);
    expect(await recorded()).toEqual(["0001_only"]);
  });

  it("create writes the next numbered file with up and down parts", async () => {
    const migrations = join(dir, "migrations");
    mkdirSync(migrations);
    writeFileSync(join(migrations, "0003_existing.sql"), "-- migrate:up\nSELECT 1;\n-- migrate:down\n");
    writeFileSync(join(migrations, "README.md"), "not a migration");

    const c = capture();
    expect(await runMigrateCli(["create", "add_runs_table"], env, c.out, { dir: migrations })).toBe(0);
    const path = join(migrations, "0004_add_runs_table.sql");
    expect(c.lines.log).toEqual([`Created ${path}`]);
    expect(readdirSync(migrations).sort()).toEqual(["0003_existing.sql", "0004_add_runs_table.sql", "README.md"]);

    // The template parses as a migration (its up part is only a comment).
    const parsed = parseMigrationFile("0004_add_runs_table.sql", readFileSync(path, "utf8"));
    expect(parsed.name).toBe("0004_add_runs_table");
    expect(parsed.up).toContain("add_runs_table");

    // A second create takes the next number.
    await runMigrateCli(["create", "second"], env, capture().out, { dir: migrations });
    expect(readdirSync(migrations)).toContain("0005_second.sql");
  });

  it("create starts at 0001 in an empty folder", async () => {
    const migrations = join(dir, "empty");
    mkdirSync(migrations);
    const c = capture();
    expect(await runMigrateCli(["create", "first"], env, c.out, { dir: migrations })).toBe(0);
    expect(readdirSync(migrations)).toEqual(["0001_first.sql"]);
  });

  it("create without a name exits 1 and writes nothing", async () => {
    const migrations = join(dir, "migrations");
    mkdirSync(migrations);
    const c = capture();
    expect(await runMigrateCli(["create"], env, c.out, { dir: migrations })).toBe(1);
    expect(c.lines.error.join("\n")).toMatch(/create needs a name/);
    expect(readdirSync(migrations)).toEqual([]);
  });

  it("create rejects a name that is not lower-case snake case", async () => {
    const migrations = join(dir, "migrations");
    mkdirSync(migrations);
    await expect(runMigrateCli(["create", "Add-Runs"], env, capture().out, { dir: migrations })).rejects.toThrow(
      /Migration name must be lower-case letters, digits and underscores/,
    );
    expect(readdirSync(migrations)).toEqual([]);
  });

  it("an unknown command exits 1 with the usage", async () => {
    const c = capture();
    expect(await runMigrateCli(["sideways"], env, c.out)).toBe(1);
    const error = c.lines.error.join("\n");
    expect(error).toMatch(/Unknown command "sideways"/);
    expect(error).toMatch(/Usage: npm run migrate/);
  });

  it("no command exits 1 with the usage; --help exits 0", async () => {
    let c = capture();
    expect(await runMigrateCli([], env, c.out)).toBe(1);
    expect(c.lines.log.join("\n")).toMatch(/Usage: npm run migrate/);
    c = capture();
    expect(await runMigrateCli(["--help"], env, c.out)).toBe(0);
    expect(c.lines.log.join("\n")).toMatch(/Usage: npm run migrate/);
  });

  it.each(["0", "-2", "x", "1.5"])("down --step %s exits 1", async (step) => {
    const c = capture();
    expect(await runMigrateCli(["down", `--step=${step}`], env, c.out)).toBe(1);
    expect(c.lines.error.join("\n")).toMatch(/--step must be a positive integer/);
  });

  it("a bad configuration throws ConfigError naming the variable", async () => {
    await expect(runMigrateCli(["status"], { DATABASE_URL: "postgres://x" }, capture().out)).rejects.toMatchObject({
      name: "ConfigError",
      message: expect.stringContaining("DATABASE_URL"),
    });
  });
});

/** Runs `npm run migrate -- …` the way npm would (tsx src/node/cli.ts …). */
function runEntry(args: string[], extraEnv: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const { PATH, HOME } = process.env;
    execFile(
      join(REPO, "node_modules/.bin/tsx"),
      ["src/node/cli.ts", ...args],
      { cwd: REPO, env: { PATH, HOME, ...extraEnv }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe("the migrate entry point (npm run migrate)", () => {
  it("applies migrations and exits 0; an unknown command exits 1", async () => {
    const names = (await readMigrations()).map((m) => m.name);
    const up = await runEntry(["up"], env);
    expect(up.code).toBe(0);
    expect(up.stdout.trim()).toBe(`Applied: ${names.join(", ")}`);
    expect(await recorded()).toEqual(names);

    const unknown = await runEntry(["bogus"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown command "bogus"/);
  });

  it("a bad variable exits 1 with one line naming it", async () => {
    const result = await runEntry(["status"], { DATABASE_URL: "postgres://x" });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DATABASE_URL/);
  });
});
