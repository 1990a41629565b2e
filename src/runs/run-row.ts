import type { Row } from "@libsql/client";
import type { AgentName } from "../agents/adapter";
import type { RunMode, RunRecord, RunStatus } from "./types";

/** How a `runs` row maps to a RunRecord: the one place that knows the column names on the way out. */

export const str = (value: unknown) => (value == null ? null : String(value));
const num = (value: unknown) => (value == null ? null : Number(value));

export const toRun = (row: Row | Record<string, unknown>): RunRecord => ({
  id: String(row.id),
  requestId: String(row.request_id),
  agent: String(row.agent) as AgentName,
  model: str(row.model),
  mode: String(row.mode) as RunMode,
  repository: str(row.repository),
  branch: str(row.branch),
  createBranch: Number(row.create_branch ?? 0) === 1,
  cwd: String(row.cwd),
  prompt: String(row.prompt),
  status: String(row.status) as RunStatus,
  reason: str(row.reason),
  exitCode: num(row.exit_code),
  output: str(row.output),
  stderr: str(row.stderr),
  error: str(row.error),
  sessionId: str(row.session_id),
  conversationId: str(row.conversation_id),
  queueType: str(row.queue_type),
  callbackUrl: str(row.callback_url),
  callbackSecret: str(row.callback_secret),
  command: row.command == null ? null : (JSON.parse(String(row.command)) as string[]),
  pid: num(row.pid),
  parentRunId: str(row.parent_run_id),
  mcpServers: row.mcp_servers == null ? null : (JSON.parse(String(row.mcp_servers)) as string[]),
  eventCount: Number(row.event_count ?? 0),
  createdAt: String(row.created_at),
  startedAt: str(row.started_at),
  finishedAt: str(row.finished_at),
  updatedAt: String(row.updated_at),
});
