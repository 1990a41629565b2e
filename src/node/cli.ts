import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config";
import { createMigrator } from "../db/migrator";
import { sealSecretsAtRest } from "../secrets/at-rest";
import { createSecretCipher } from "../secrets/cipher";
import { openNodeDatabase } from "./database";
import { createMigrationFile, readMigrations } from "./migrations";

const USAGE = `Usage: npm run migrate -- <command>

Commands:
  up              apply every pending migration (also done at start-up)
  down [--step N] revert the last N applied migrations (default 1)
  status          list applied and pending migrations
  create <name>   write migrations/NNNN_<name>.sql with empty up and down parts
  secrets         seal stored secrets with SECRETS_KEY (plaintext rows, and rows sealed with a
                  key in SECRETS_KEY_PREVIOUS: the rotation step; also done at start-up)

The database is DATABASE_URL, else SHARED_DB_PATH, else ./data/cursor-runner.db.`;

/**
 * `npm run migrate -- up|down|status|create <name>`; returns the exit code.
 * `options.dir` is the migrations folder (default: the repository's `migrations/`).
 */
export async function runMigrateCli(
  argv: string[],
  env: Record<string, string | undefined>,
  out: Pick<Console, "log" | "error"> = console,
  options: { dir?: string } = {},
): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { step: { type: "string", default: "1" }, help: { type: "boolean", short: "h" } },
  });
  const [command, name] = positionals;
  if (values.help || !command) {
    out.log(USAGE);
    return command || values.help ? 0 : 1;
  }
  if (command === "create") {
    if (!name) {
      out.error("create needs a name, e.g. npm run migrate -- create add_runs_table");
      return 1;
    }
    out.log(`Created ${await createMigrationFile(name, options.dir)}`);
    return 0;
  }
  if (!["up", "down", "status", "secrets"].includes(command)) {
    out.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 1;
  }
  const step = Number(values.step);
  if (!Number.isInteger(step) || step < 1) {
    out.error(`--step must be a positive integer, got "${values.step}"`);
    return 1;
  }

  const config = loadConfig(env, { cwd: process.cwd() });
  const db = await openNodeDatabase(config.database);
  try {
    const migrator = createMigrator(db, await readMigrations(options.dir));
    if (command === "secrets") {
      const cipher = createSecretCipher(config.secrets);
      if (!cipher.enabled) {
        out.error("SECRETS_KEY is not set: nothing to seal with (generate one with `openssl rand -base64 32`)");
        return 1;
      }
      const { sealed, unopenable } = await sealSecretsAtRest(db, cipher);
      out.log(`Sealed ${sealed} secret(s) with the current SECRETS_KEY`);
      if (unopenable > 0)
        out.error(`${unopenable} secret(s) are sealed with a key that is not configured: set SECRETS_KEY_PREVIOUS`);
    } else if (command === "up") {
      const applied = await migrator.up();
      out.log(applied.length ? `Applied: ${applied.join(", ")}` : "No pending migrations");
    } else if (command === "down") {
      const reverted = await migrator.down(step);
      out.log(reverted.length ? `Reverted: ${reverted.join(", ")}` : "Nothing to revert");
    } else {
      const { executed, pending } = await migrator.status();
      out.log("=== Migration Status ===");
      out.log(`Executed (${executed.length}):`);
      for (const m of executed) out.log(`  ✓ ${m}`);
      out.log(`Pending (${pending.length}):`);
      if (pending.length === 0) out.log("  (no pending migrations)");
      for (const m of pending) out.log(`  ○ ${m}`);
    }
    return 0;
  } finally {
    db.close();
  }
}

if (process.argv[1]?.endsWith("cli.ts")) {
  runMigrateCli(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof ConfigError ? error.message : `migrate failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
