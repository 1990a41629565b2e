-- migrate:up
CREATE TABLE IF NOT EXISTS system_settings (
  name TEXT NOT NULL PRIMARY KEY,
  value INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS index_system_settings_on_name ON system_settings (name);

-- migrate:down
DROP INDEX IF EXISTS index_system_settings_on_name;
DROP TABLE IF EXISTS system_settings;
