-- migrate:up
-- Conversations (spec §7, §8) for single-node deployments without Redis. Each row holds the same JSON
-- the Redis stores keep; expiry is emulated with expires_at (epoch ms): reads ignore expired rows and
-- writes purge them. Pointers (§7.2) resolve only through a live conversation, so they expire with it.
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS index_conversations_on_expires_at ON conversations (expires_at);

CREATE TABLE IF NOT EXISTS conversation_pointers (
  queue TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS agent_conversations (
  id TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  -- epoch ms of createdAt / lastAccessedAt, for sorting (§2.4.10 sortBy)
  created_ms INTEGER NOT NULL,
  last_accessed_ms INTEGER NOT NULL,
  message_count INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS index_agent_conversations_on_expires_at ON agent_conversations (expires_at);

-- Change log polled by every instance sharing the database (capped on write).
CREATE TABLE IF NOT EXISTS conversation_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  data TEXT NOT NULL
);

-- migrate:down
DROP TABLE IF EXISTS conversation_changes;
DROP INDEX IF EXISTS index_agent_conversations_on_expires_at;
DROP TABLE IF EXISTS agent_conversations;
DROP TABLE IF EXISTS conversation_pointers;
DROP INDEX IF EXISTS index_conversations_on_expires_at;
DROP TABLE IF EXISTS conversations;
