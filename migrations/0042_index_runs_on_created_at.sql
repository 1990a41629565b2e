-- migrate:up
-- GET /runs lists runs newest first (optionally by status or agent).
CREATE INDEX IF NOT EXISTS index_runs_on_created_at ON runs (created_at);

-- migrate:down
DROP INDEX IF EXISTS index_runs_on_created_at;
