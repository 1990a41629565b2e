-- migrate:up
-- Every start of a runner process registers here; runs.owner is the instance id. A restarted
-- runner recognises its own dead predecessors (same host, their process gone) and closes their
-- runs at once instead of waiting RUN_STALE_AFTER_MS for their heartbeat to go stale.
CREATE TABLE IF NOT EXISTS instances (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  -- The kernel's boot id: processes of another boot are gone whatever their pid.
  boot_id TEXT,
  pid INTEGER,
  -- The process's start time as the OS reports it, so a reused pid is not mistaken for the instance.
  process_start TEXT,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  stopped_at TEXT
);
CREATE INDEX IF NOT EXISTS index_instances_on_host_and_stopped_at ON instances (host, stopped_at);
CREATE INDEX IF NOT EXISTS index_runs_on_owner_and_status ON runs (owner, status);

-- migrate:down
DROP INDEX IF EXISTS index_runs_on_owner_and_status;
DROP INDEX IF EXISTS index_instances_on_host_and_stopped_at;
DROP TABLE IF EXISTS instances;
