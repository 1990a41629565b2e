-- migrate:up
CREATE TABLE IF NOT EXISTS git_credentials (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  username TEXT,
  password TEXT,
  token TEXT,
  repository_url TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS index_git_credentials_on_name ON git_credentials (name);
CREATE INDEX IF NOT EXISTS index_git_credentials_on_active ON git_credentials (active);
CREATE INDEX IF NOT EXISTS index_git_credentials_on_repository_url ON git_credentials (repository_url);

-- migrate:down
DROP INDEX IF EXISTS index_git_credentials_on_repository_url;
DROP INDEX IF EXISTS index_git_credentials_on_active;
DROP INDEX IF EXISTS index_git_credentials_on_name;
DROP TABLE IF EXISTS git_credentials;
