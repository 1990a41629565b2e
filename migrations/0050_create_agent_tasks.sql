-- migrate:up
-- The task engine (Bytebot's model, spec/bytebot.md §1, plus ours). Separate from the original's
-- `tasks` table, which stays exactly as the original made it (it may be shared with the original
-- service through SHARED_DB_PATH, and its integer statuses are a to-do list, not a lifecycle).
-- Times are ISO-8601 UTC strings (they compare correctly as text).
CREATE TABLE IF NOT EXISTS agent_tasks (
  id TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'IMMEDIATE' CHECK (type IN ('IMMEDIATE', 'SCHEDULED')),
  status TEXT NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING', 'RUNNING', 'NEEDS_HELP', 'NEEDS_REVIEW', 'COMPLETED', 'CANCELLED', 'FAILED')),
  priority TEXT NOT NULL DEFAULT 'MEDIUM' CHECK (priority IN ('LOW', 'MEDIUM', 'HIGH', 'URGENT')),
  -- 0 LOW … 3 URGENT: the claim order sorts on it.
  priority_rank INTEGER NOT NULL DEFAULT 1,
  control TEXT NOT NULL DEFAULT 'ASSISTANT' CHECK (control IN ('USER', 'ASSISTANT')),
  created_by TEXT NOT NULL DEFAULT 'USER' CHECK (created_by IN ('USER', 'ASSISTANT')),
  scheduled_for TEXT,
  executed_at TEXT,
  completed_at TEXT,
  queued_at TEXT,
  error TEXT,
  -- JSON
  result TEXT,
  -- JSON {provider, name, title, contextWindow?}
  model TEXT,
  kind TEXT NOT NULL DEFAULT 'agent' CHECK (kind IN ('agent', 'desktop')),
  agent TEXT,
  model_name TEXT,
  repository TEXT,
  branch_name TEXT,
  callback_url TEXT,
  callback_secret TEXT,
  -- The run executing (or last executed) the task, and the agent session to continue.
  run_id TEXT,
  session_id TEXT,
  -- Executions started (claims), and how many of them a crashed runner interrupted (retried up to
  -- TASK_MAX_INTERRUPTIONS, then failed).
  attempts INTEGER NOT NULL DEFAULT 0,
  interruptions INTEGER NOT NULL DEFAULT 0,
  -- Set by resume (and crash recovery): such work is claimed before anything else.
  resumed_at TEXT,
  -- The instance executing it, and its lease.
  claimed_by TEXT,
  heartbeat_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS index_agent_tasks_on_status_and_created_at ON agent_tasks (status, created_at);
CREATE INDEX IF NOT EXISTS index_agent_tasks_on_claimed_by ON agent_tasks (claimed_by, status);
CREATE INDEX IF NOT EXISTS index_agent_tasks_on_created_at ON agent_tasks (created_at);

-- Messages of a task (§1.5): Anthropic-style content blocks as JSON. `delivered_at` is null for a
-- user message the assistant has not seen yet (posted while it worked, or while it waited for help).
CREATE TABLE IF NOT EXISTS task_messages (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES agent_tasks (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('USER', 'ASSISTANT')),
  content TEXT NOT NULL,
  summary_id TEXT,
  delivered_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS index_task_messages_on_task_id ON task_messages (task_id, created_at);

-- Summaries (§1.6), written by the desktop agent when its context fills up.
CREATE TABLE IF NOT EXISTS task_summaries (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES agent_tasks (id) ON DELETE CASCADE,
  content TEXT NOT NULL,
  parent_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS index_task_summaries_on_task_id ON task_summaries (task_id, created_at);

-- Files attached to a task (§1.4), size-capped, stored as bytes (not base64 text).
CREATE TABLE IF NOT EXISTS task_files (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES agent_tasks (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  size INTEGER NOT NULL,
  data BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS index_task_files_on_task_id ON task_files (task_id);

-- Every change of every task, in order: the live feed (SSE, WebSockets, other instances) polls it.
CREATE TABLE IF NOT EXISTS task_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS index_task_events_on_task_id ON task_events (task_id, id);

-- migrate:down
DROP INDEX IF EXISTS index_task_events_on_task_id;
DROP TABLE IF EXISTS task_events;
DROP INDEX IF EXISTS index_task_files_on_task_id;
DROP TABLE IF EXISTS task_files;
DROP INDEX IF EXISTS index_task_summaries_on_task_id;
DROP TABLE IF EXISTS task_summaries;
DROP INDEX IF EXISTS index_task_messages_on_task_id;
DROP TABLE IF EXISTS task_messages;
DROP INDEX IF EXISTS index_agent_tasks_on_created_at;
DROP INDEX IF EXISTS index_agent_tasks_on_claimed_by;
DROP INDEX IF EXISTS index_agent_tasks_on_status_and_created_at;
DROP TABLE IF EXISTS agent_tasks;
