-- migrate:up
-- The model a request asked for (passed as the agent CLI's own model flag); NULL = the CLI's default.
ALTER TABLE runs ADD COLUMN model TEXT;

-- migrate:down
ALTER TABLE runs DROP COLUMN model;
