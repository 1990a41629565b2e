-- migrate:up
-- Iterate mode (§6): the request is a parent run (mode 'iterate', no process of its own); each worker
-- attempt, diagnostic and review is a child run pointing at it. `mcp_servers` is the MCP selection a
-- run was started with (JSON array; NULL = not selected yet).
ALTER TABLE runs ADD COLUMN parent_run_id TEXT;
ALTER TABLE runs ADD COLUMN mcp_servers TEXT;
CREATE INDEX IF NOT EXISTS index_runs_on_parent_run_id ON runs (parent_run_id);

-- The options an iterate request ran with, kept so a response or callback built after a restart
-- still reports them.
CREATE TABLE IF NOT EXISTS iterate_runs (
  run_id TEXT PRIMARY KEY,
  max_iterations INTEGER NOT NULL,
  max_duration_ms INTEGER NOT NULL,
  review_agent TEXT NOT NULL,
  definition_of_done TEXT NOT NULL,
  definition_of_done_source TEXT NOT NULL,
  done_when TEXT,
  require_push INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

-- One row per worker attempt of an iterate run, written as the attempt progresses.
CREATE TABLE IF NOT EXISTS run_iterations (
  parent_run_id TEXT NOT NULL,
  iteration INTEGER NOT NULL,
  worker_run_id TEXT,
  diagnostic_run_id TEXT,
  review_run_id TEXT,
  prompt TEXT NOT NULL,
  worker_status TEXT,
  exit_code INTEGER,
  verdict TEXT,
  dod_result TEXT,
  push_result TEXT,
  outcome TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  PRIMARY KEY (parent_run_id, iteration)
);

-- migrate:down
DROP TABLE IF EXISTS run_iterations;
DROP TABLE IF EXISTS iterate_runs;
DROP INDEX IF EXISTS index_runs_on_parent_run_id;
ALTER TABLE runs DROP COLUMN mcp_servers;
ALTER TABLE runs DROP COLUMN parent_run_id;
