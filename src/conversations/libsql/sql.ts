import type { Client, InStatement } from "@libsql/client";
import { StoreUnavailableError } from "../errors";
import { CONFLICT, retryOptimistic } from "../optimistic";
import type { AgentConversation, ConversationChange } from "../types";

/** Change-log rows kept; pollers further behind than this miss the oldest changes. */
const CHANGE_LOG_MAX = 1000;

/** Connection-level failures of a remote libSQL server; SQL errors are left as they are. */
const UNAVAILABLE_CODES = new Set(["HRANA_WEBSOCKET_ERROR", "HRANA_CLOSED_ERROR", "SERVER_ERROR", "CLIENT_CLOSED"]);

/** What the store's method groups share: the client, the TTL and the update policy. */
export interface LibsqlStoreContext {
  db: Client;
  ttl: number;
  attempts: number;
}

/** Runs `work`, turning a remote server being out of reach into the one error callers branch on. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Remote clients surface network failures as fetch's TypeError; our own bugs must not look like outages.
    const network = error instanceof TypeError && /fetch|network/i.test(error.message);
    if ((typeof code === "string" && UNAVAILABLE_CODES.has(code)) || network) {
      throw new StoreUnavailableError("libsql", error);
    }
    throw error;
  }
}

/** Deletes expired rows; every write starts with it (libSQL has no TTLs). */
export const purge = (now: number): InStatement[] => [
  { sql: "DELETE FROM conversations WHERE expires_at <= ?", args: [now] },
  { sql: "DELETE FROM agent_conversations WHERE expires_at <= ?", args: [now] },
];

/**
 * Appends a change (capping the log). `onlyIfChanged`: only when the statement just before it
 * changed a row — SQLite's changes() — which is how a guarded write's follow-ups stay conditional.
 */
export const changeStatements = (change: ConversationChange, onlyIfChanged = false): InStatement[] => [
  onlyIfChanged
    ? { sql: "INSERT INTO conversation_changes (data) SELECT ? WHERE changes() > 0", args: [JSON.stringify(change)] }
    : { sql: "INSERT INTO conversation_changes (data) VALUES (?)", args: [JSON.stringify(change)] },
  {
    sql: "DELETE FROM conversation_changes WHERE seq <= (SELECT MAX(seq) FROM conversation_changes) - ?",
    args: [CHANGE_LOG_MAX],
  },
];

const epochMs = (iso: string | undefined) => {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
};

/** The agent table's row values besides id and data: the sort columns of §2.4.10. */
export const agentColumns = (conversation: AgentConversation) => [
  epochMs(conversation.createdAt),
  epochMs(conversation.lastAccessedAt),
  conversation.messages?.length ?? 0,
];

/**
 * One optimistic read-modify-write on `table`: reads the live row, applies, and writes with a
 * guarded UPDATE that matches only while the row still holds what was read; retried on a lost race.
 */
export const updateRow = <T extends { conversationId: string }>(
  { db, ttl, attempts }: LibsqlStoreContext,
  spec: {
    table: "conversations" | "agent_conversations";
    id: string;
    decode: (raw: unknown, id: string) => T | null;
    apply: (current: T) => T | Promise<T>;
    /** Extra columns set with the data (SQL fragment and values). */
    columns?: (next: T) => { sql: string; args: (string | number)[] };
    change?: ConversationChange;
  },
) =>
  retryOptimistic(spec.id, attempts, async () => {
    const read = await db.execute({
      sql: `SELECT data FROM ${spec.table} WHERE id = ? AND expires_at > ?`,
      args: [spec.id, Date.now()],
    });
    const raw = read.rows[0]?.data;
    const current = spec.decode(raw, spec.id);
    if (!current || typeof raw !== "string") return null;
    const next = await spec.apply(current);
    const extra = spec.columns?.(next) ?? { sql: "", args: [] };
    const now = Date.now();
    const results = await db.batch(
      [
        ...purge(now),
        {
          sql: `UPDATE ${spec.table} SET data = ?, expires_at = ?${extra.sql} WHERE id = ? AND data = ? AND expires_at > ?`,
          args: [JSON.stringify(next), now + ttl, ...extra.args, spec.id, raw, now],
        },
        ...(spec.change ? changeStatements(spec.change, true) : []),
      ],
      "write",
    );
    return (results[2]?.rowsAffected ?? 0) > 0 ? next : CONFLICT;
  });
