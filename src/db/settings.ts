import type { Client } from "@libsql/client";

export interface SystemSetting {
  name: string;
  value: 0 | 1;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

const toSetting = (row: Record<string, unknown>): SystemSetting => {
  const value = Number(row.value) === 1 ? 1 : 0;
  return {
    name: String(row.name),
    value,
    enabled: value === 1,
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
  };
};

/**
 * System settings (§9.3): named on/off switches in `system_settings`, read fresh on every call so a
 * change made by another service sharing the database takes effect at once.
 */
export function createSettings(db: Client, options: { debugFallback: boolean }) {
  return {
    async list(): Promise<SystemSetting[]> {
      const result = await db.execute("SELECT * FROM system_settings ORDER BY name");
      return result.rows.map((row) => toSetting(row));
    },

    async get(name: string): Promise<SystemSetting | null> {
      const result = await db.execute({ sql: "SELECT * FROM system_settings WHERE name = ?", args: [name] });
      const row = result.rows[0];
      return row ? toSetting(row) : null;
    },

    /** Upserts a setting; returns the stored row. */
    async set(name: string, value: 0 | 1): Promise<SystemSetting> {
      const now = new Date().toISOString();
      const result = await db.execute({
        sql: `INSERT INTO system_settings (name, value, created_at, updated_at) VALUES (?, ?, ?, ?)
              ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
              RETURNING *`,
        args: [name, value, now, now],
      });
      return toSetting(result.rows[0] as Record<string, unknown>);
    },

    /**
     * True when the setting's value is 1. With no row (or a failing read), only `debug` falls back
     * to the `DEBUG` environment variable; everything else is off.
     */
    async isEnabled(name: string): Promise<boolean> {
      try {
        const setting = await this.get(name);
        if (setting) return setting.enabled;
      } catch {
        // fall through to the fallback, as the original did
      }
      return name === "debug" ? options.debugFallback : false;
    },
  };
}

export type Settings = ReturnType<typeof createSettings>;
