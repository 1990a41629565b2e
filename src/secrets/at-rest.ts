import type { Client } from "@libsql/client";
import { type SecretCipher, SecretKeyError } from "./cipher";

/** The columns that hold secrets, per table (id is each table's INTEGER PRIMARY KEY). */
export const SECRET_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  git_credentials: ["password", "token"],
  telegram_bots: ["bot_token", "webhook_secret"],
};

/**
 * Seals every secret not yet sealed with the current key — plaintext rows from before SECRETS_KEY
 * was set, and rows sealed with a previous key (rotation) — one guarded UPDATE per value, so
 * instances doing it at the same start-up never seal a value twice. A value sealed with a key that
 * is not configured is left as it is and counted (`unopenable`): using it then fails with a clear 503.
 * The data migration behind turning encryption on (run at start-up and by `npm run migrate -- secrets`).
 */
export async function sealSecretsAtRest(db: Client, cipher: SecretCipher): Promise<{ sealed: number; unopenable: number }> {
  if (!cipher.enabled) return { sealed: 0, unopenable: 0 };
  await cipher.ready;
  let sealed = 0;
  let unopenable = 0;
  for (const [table, columns] of Object.entries(SECRET_COLUMNS)) {
    const rows = (await db.execute(`SELECT id, ${columns.join(", ")} FROM ${table}`)).rows;
    for (const row of rows) {
      for (const column of columns) {
        const value = row[column];
        if (typeof value !== "string" || value === "" || !cipher.needsSealing(value)) continue;
        let plain: string;
        try {
          plain = await cipher.open(value);
        } catch (error) {
          if (!(error instanceof SecretKeyError)) throw error;
          unopenable++;
          continue;
        }
        const next = await cipher.seal(plain);
        const result = await db.execute({
          sql: `UPDATE ${table} SET ${column} = ?, updated_at = ? WHERE id = ? AND ${column} = ?`,
          args: [next, new Date().toISOString(), row.id as number, value],
        });
        sealed += result.rowsAffected;
      }
    }
  }
  return { sealed, unopenable };
}
