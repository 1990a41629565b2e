import type { Client } from "@libsql/client";
import type { AgentName } from "../agents/adapter";
import { str, toRun } from "./run-row";
import type { NewRun, RunFinish, RunRecord, RunStatus } from "./types";

export { toRun } from "./run-row";

export interface RunListFilter {
  status?: RunStatus | undefined;
  agent?: AgentName | undefined;
  limit: number;
  offset: number;
}

/** How much of each prompt a run list carries. */
export const LIST_PROMPT_CHARS = 500;

const SUMMARY_COLUMNS = `id, request_id, agent, model, mode, repository, branch, create_branch, cwd, substr(prompt, 1, ?) AS prompt,
  status, reason, exit_code, NULL AS output, NULL AS stderr, error, session_id, conversation_id, queue_type, callback_url,
  NULL AS callback_secret, command, pid, parent_run_id, mcp_servers, event_count, created_at, started_at, finished_at, updated_at`;

/**
 * The `runs` table. Every state change is one UPDATE guarded by the expected current status, so
 * a run is settled exactly once even when a crash-recovery sweep on another instance races it.
 */
export function createRunStore(db: Client, clock: () => Date = () => new Date()) {
  const now = () => clock().toISOString();
  const one = async (sql: string, args: (string | number | null)[]) => {
    const result = await db.execute({ sql, args });
    const row = result.rows[0];
    return row ? toRun(row) : null;
  };

  return {
    async create(run: NewRun, owner: string): Promise<RunRecord> {
      const ts = now();
      const created = await one(
        `INSERT INTO runs (id, request_id, agent, mode, repository, branch, create_branch, cwd, prompt, status, conversation_id,
           queue_type, callback_url, callback_secret, parent_run_id, mcp_servers, owner, heartbeat_at, created_at, updated_at, model)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          run.id,
          run.requestId,
          run.agent,
          run.mode,
          run.repository ?? null,
          run.branch ?? null,
          run.createBranch ? 1 : 0,
          run.cwd,
          run.prompt,
          run.conversationId ?? null,
          run.queueType ?? null,
          run.callbackUrl ?? null,
          run.callbackSecret ?? null,
          run.parentRunId ?? null,
          run.mcpServers ? JSON.stringify(run.mcpServers) : null,
          owner,
          ts,
          ts,
          ts,
          run.model ?? null,
        ],
      );
      return created as RunRecord;
    },

    get: (id: string) => one("SELECT * FROM runs WHERE id = ?", [id]),

    /**
     * Newest first, one page, with the total matching. Rows leave out the (bounded but large)
     * output and stderr and keep the first LIST_PROMPT_CHARS of the prompt: a list shows summaries.
     */
    list: async (filter: RunListFilter): Promise<{ runs: RunRecord[]; total: number }> => {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (filter.status) {
        where.push("status = ?");
        args.push(filter.status);
      }
      if (filter.agent) {
        where.push("agent = ?");
        args.push(filter.agent);
      }
      const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
      const [page, count] = await db.batch(
        [
          {
            sql: `SELECT ${SUMMARY_COLUMNS} FROM runs ${clause} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`,
            args: [LIST_PROMPT_CHARS, ...args, filter.limit, filter.offset],
          },
          { sql: `SELECT COUNT(*) AS total FROM runs ${clause}`, args },
        ],
        "read",
      );
      return { runs: (page?.rows ?? []).map((row) => toRun(row)), total: Number(count?.rows[0]?.total ?? 0) };
    },

    /** queued → running; null when the run is no longer queued (cancelled or recovered meanwhile). */
    markRunning: (id: string, fields: { command: string[]; pid: number | null }) => {
      const ts = now();
      return one(
        `UPDATE runs SET status = 'running', command = ?, pid = ?, started_at = ?, heartbeat_at = ?, updated_at = ?
         WHERE id = ? AND status = 'queued' RETURNING *`,
        [JSON.stringify(fields.command), fields.pid, ts, ts, ts, id],
      );
    },

    setSession: async (id: string, sessionId: string) => {
      await db.execute({ sql: "UPDATE runs SET session_id = ?, updated_at = ? WHERE id = ?", args: [sessionId, now(), id] });
    },

    setMcpServers: async (id: string, servers: string[]) => {
      await db.execute({
        sql: "UPDATE runs SET mcp_servers = ?, updated_at = ? WHERE id = ?",
        args: [JSON.stringify(servers), now(), id],
      });
    },

    /** Settles a live run once; null when it was already finished (e.g. by a recovery sweep). */
    finish: (id: string, result: RunFinish, eventCount: number) => {
      const ts = now();
      return one(
        `UPDATE runs SET status = ?, reason = ?, exit_code = ?, output = ?, stderr = ?, error = ?, event_count = ?,
           finished_at = ?, updated_at = ?
         WHERE id = ? AND status IN ('queued', 'running') RETURNING *`,
        [result.status, result.reason, result.exitCode, result.output, result.stderr, result.error, eventCount, ts, ts, id],
      );
    },

    /** Marks this instance's live runs as still owned, so no other instance's sweep takes them. */
    /**
     * Returns the ids among `ids` that are no longer live in the database: settled by another
     * instance (a cancel sent there), so their owner must stop them.
     */
    heartbeat: async (ids: string[]): Promise<string[]> => {
      if (ids.length === 0) return [];
      const marks = ids.map(() => "?").join(",");
      const [, settled] = await db.batch(
        [
          {
            sql: `UPDATE runs SET heartbeat_at = ? WHERE id IN (${marks}) AND status IN ('queued','running')`,
            args: [now(), ...ids],
          },
          { sql: `SELECT id FROM runs WHERE id IN (${marks}) AND status NOT IN ('queued','running')`, args: ids },
        ],
        "write",
      );
      return (settled?.rows ?? []).map((row) => String(row.id));
    },

    /**
     * Fails every live run whose owner stopped heart-beating before `staleBefore` (a crashed or
     * killed instance) in one atomic UPDATE; returns the runs this call settled.
     */
    failStale: async (staleBefore: Date, message: string): Promise<RunRecord[]> => {
      const ts = now();
      const result = await db.execute({
        sql: `UPDATE runs SET status = 'failed', reason = 'interrupted', error = ?, finished_at = ?, updated_at = ?
              WHERE status IN ('queued', 'running') AND heartbeat_at < ? RETURNING *`,
        args: [message, ts, ts, staleBefore.toISOString()],
      });
      return result.rows.map((row) => toRun(row));
    },

    /** Fails every live run owned by one of `owners` (instances known to be gone); returns those it settled. */
    failOwned: async (owners: string[], message: string): Promise<RunRecord[]> => {
      if (owners.length === 0) return [];
      const ts = now();
      const result = await db.execute({
        sql: `UPDATE runs SET status = 'failed', reason = 'interrupted', error = ?, finished_at = ?, updated_at = ?
              WHERE status IN ('queued', 'running') AND owner IN (${owners.map(() => "?").join(",")}) RETURNING *`,
        args: [message, ts, ts, ...owners],
      });
      return result.rows.map((row) => toRun(row));
    },

    /**
     * Settled runs with a callback URL but no delivery, settled before `settledBefore`: their
     * settler stopped between recording the result and enqueueing the callback (a crash).
     */
    missingCallbacks: async (settledBefore: Date, limit = 100): Promise<RunRecord[]> => {
      const result = await db.execute({
        sql: `SELECT * FROM runs WHERE status NOT IN ('queued', 'running') AND callback_url IS NOT NULL AND finished_at < ?
                AND NOT EXISTS (SELECT 1 FROM callback_deliveries d WHERE d.run_id = runs.id)
              ORDER BY finished_at LIMIT ?`,
        args: [settledBefore.toISOString(), limit],
      });
      return result.rows.map((row) => toRun(row));
    },

    /** The agent session of the latest run in a conversation, to resume it. */
    latestSession: async (conversationId: string, agent: AgentName): Promise<string | null> => {
      const result = await db.execute({
        sql: `SELECT session_id FROM runs WHERE conversation_id = ? AND agent = ? AND session_id IS NOT NULL
              ORDER BY created_at DESC LIMIT 1`,
        args: [conversationId, agent],
      });
      return str(result.rows[0]?.session_id);
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
