-- migrate:up
-- Idempotency-Key (issue 17): the first answer to a request that creates a run or a task, kept so a
-- retry with the same key (from any instance) gets that answer instead of starting the work again.
-- `scope` is the caller (a hash of its token) and the route; `fingerprint` a hash of the body, so a
-- key reused for a different request is refused.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
  response_status INTEGER,
  response_type TEXT,
  response_body TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS index_idempotency_keys_on_created_at ON idempotency_keys (created_at);

-- migrate:down
DROP INDEX IF EXISTS index_idempotency_keys_on_created_at;
DROP TABLE IF EXISTS idempotency_keys;
