-- migrate:up
CREATE TABLE IF NOT EXISTS telegram_bots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  bot_token TEXT NOT NULL,
  webhook_secret TEXT NOT NULL,
  bot_type TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS index_telegram_bots_on_name ON telegram_bots (name);
CREATE UNIQUE INDEX IF NOT EXISTS index_telegram_bots_on_bot_token ON telegram_bots (bot_token);
CREATE UNIQUE INDEX IF NOT EXISTS index_telegram_bots_on_webhook_secret ON telegram_bots (webhook_secret);
CREATE INDEX IF NOT EXISTS index_telegram_bots_on_active ON telegram_bots (active);
CREATE INDEX IF NOT EXISTS index_telegram_bots_on_bot_type ON telegram_bots (bot_type);

-- migrate:down
DROP INDEX IF EXISTS index_telegram_bots_on_bot_type;
DROP INDEX IF EXISTS index_telegram_bots_on_active;
DROP INDEX IF EXISTS index_telegram_bots_on_webhook_secret;
DROP INDEX IF EXISTS index_telegram_bots_on_bot_token;
DROP INDEX IF EXISTS index_telegram_bots_on_name;
DROP TABLE IF EXISTS telegram_bots;
