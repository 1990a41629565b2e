-- migrate:up
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  agent TEXT NOT NULL,
  mode TEXT NOT NULL DEFAULT 'sync',
  repository TEXT,
  branch TEXT,
  create_branch INTEGER NOT NULL DEFAULT 0,
  cwd TEXT NOT NULL,
  prompt TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  reason TEXT,
  exit_code INTEGER,
  output TEXT,
  stderr TEXT,
  error TEXT,
  session_id TEXT,
  conversation_id TEXT,
  queue_type TEXT,
  callback_url TEXT,
  -- The per-callback secret given as ?secret= (kept out of callback_url and of logs) so a callback
  -- sent after a crash still carries it.
  callback_secret TEXT,
  command TEXT,
  pid INTEGER,
  owner TEXT,
  heartbeat_at TEXT,
  event_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS index_runs_on_status_and_heartbeat ON runs (status, heartbeat_at);
CREATE INDEX IF NOT EXISTS index_runs_on_request_id ON runs (request_id);
CREATE INDEX IF NOT EXISTS index_runs_on_conversation_and_agent ON runs (conversation_id, agent, created_at);

CREATE TABLE IF NOT EXISTS run_events (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);

-- migrate:down
DROP TABLE IF EXISTS run_events;
DROP INDEX IF EXISTS index_runs_on_conversation_and_agent;
DROP INDEX IF EXISTS index_runs_on_request_id;
DROP INDEX IF EXISTS index_runs_on_status_and_heartbeat;
DROP TABLE IF EXISTS runs;
