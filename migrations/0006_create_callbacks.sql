-- migrate:up
-- The callback outbox. `url` never carries the `secret` query parameter; a per-delivery secret given
-- that way lives in `secret` (needed to resend it after a restart) and is never returned by the API.
-- Times are ISO-8601 UTC strings, which compare correctly as text.
CREATE TABLE IF NOT EXISTS callback_deliveries (
  id TEXT PRIMARY KEY,
  run_id TEXT,
  request_id TEXT,
  url TEXT NOT NULL,
  secret TEXT,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  claimed_by TEXT,
  claimed_until TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  delivered_at TEXT
);
-- The due-work query: status = 'pending' AND next_attempt_at <= now.
CREATE INDEX IF NOT EXISTS index_callback_deliveries_on_status_and_next_attempt_at ON callback_deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS index_callback_deliveries_on_run_id ON callback_deliveries (run_id, created_at);
CREATE INDEX IF NOT EXISTS index_callback_deliveries_on_request_id ON callback_deliveries (request_id, created_at);

CREATE TABLE IF NOT EXISTS callback_attempts (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES callback_deliveries (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  http_status INTEGER,
  error TEXT
);
CREATE INDEX IF NOT EXISTS index_callback_attempts_on_delivery_id ON callback_attempts (delivery_id, attempt);

-- migrate:down
DROP INDEX IF EXISTS index_callback_attempts_on_delivery_id;
DROP TABLE IF EXISTS callback_attempts;
DROP INDEX IF EXISTS index_callback_deliveries_on_request_id;
DROP INDEX IF EXISTS index_callback_deliveries_on_run_id;
DROP INDEX IF EXISTS index_callback_deliveries_on_status_and_next_attempt_at;
DROP TABLE IF EXISTS callback_deliveries;
