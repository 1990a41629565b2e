-- migrate:up
CREATE TABLE IF NOT EXISTS tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  prompt TEXT NOT NULL,
  "order" INTEGER NOT NULL DEFAULT 0,
  createdat TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updatedat TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  uuid TEXT,
  status INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS index_tasks_on_status ON tasks (status);
CREATE INDEX IF NOT EXISTS index_tasks_on_order ON tasks ("order");
CREATE INDEX IF NOT EXISTS index_tasks_on_status_and_order ON tasks (status, "order");
CREATE UNIQUE INDEX IF NOT EXISTS index_tasks_on_uuid ON tasks (uuid);

-- migrate:down
DROP INDEX IF EXISTS index_tasks_on_uuid;
DROP INDEX IF EXISTS index_tasks_on_status_and_order;
DROP INDEX IF EXISTS index_tasks_on_order;
DROP INDEX IF EXISTS index_tasks_on_status;
DROP TABLE IF EXISTS tasks;
