import type { Client, InStatement } from "@libsql/client";
import { StoreUnavailableError } from "./errors";
import { createPollingFeed } from "./feed";
import { CONFLICT, retryOptimistic, updateAttempts } from "./optimistic";
import { decodeAgentConversation, decodeChange, decodeConversation, pageWindow, toChange, ttlMs } from "./records";
import {
  type AgentConversation,
  type AgentListOptions,
  type AgentSaveOptions,
  type Conversation,
  type ConversationChange,
  type ConversationStore,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_TTL_SECONDS,
  DEFAULT_UPDATE_ATTEMPTS,
  type PageOptions,
  type QueueType,
  type SaveOptions,
  type StoreOptions,
} from "./types";

/** Change-log rows kept; pollers further behind than this miss the oldest changes. */
const CHANGE_LOG_MAX = 1000;
/** Changes read per poll; a full page polls again at once. */
const CHANGE_PAGE = 200;

const SORT_COLUMNS = { createdAt: "created_ms", lastAccessedAt: "last_accessed_ms", messageCount: "message_count" } as const;

/** Connection-level failures of a remote libSQL server; SQL errors are left as they are. */
const UNAVAILABLE_CODES = new Set(["HRANA_WEBSOCKET_ERROR", "HRANA_CLOSED_ERROR", "SERVER_ERROR", "CLIENT_CLOSED"]);

const epochMs = (iso: string | undefined) => {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
};

/**
 * Conversation store in the service's own libSQL database (migration 0010) — the default when no
 * Redis is configured. Expiry is emulated with `expires_at`: reads ignore expired rows, every write
 * purges them. Pointers are resolved through a join on live conversations, so they expire with the
 * conversation they name. Change notifications are a capped table polled by each subscribed instance.
 * Atomic updates are a guarded UPDATE (`WHERE data = <what was read>`) in one write batch; the
 * statements after it run only when it matched (`WHERE changes() > 0`), so a lost race leaves no
 * trace, not even a change event. Creating the queue's conversation is `INSERT … ON CONFLICT DO
 * NOTHING` on the pointer, with the conversation written in the same batch only by the winner.
 * Runtime-neutral: works with `@libsql/client` (file, sqld) and `@libsql/client/web`.
 *
 * @example
 * const store = createLibsqlConversationStore(db, { ttlSeconds: 3600 });
 * await store.saveConversation(conversation, { pointer: "api", change: "created" });
 */
export function createLibsqlConversationStore(db: Client, options: StoreOptions = {}): ConversationStore {
  const ttl = ttlMs(options.ttlSeconds, DEFAULT_TTL_SECONDS);
  const attempts = updateAttempts(options.updateAttempts, DEFAULT_UPDATE_ATTEMPTS);

  const run = async <T>(work: () => Promise<T>): Promise<T> => {
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
  };

  const purge = (now: number): InStatement[] => [
    { sql: "DELETE FROM conversations WHERE expires_at <= ?", args: [now] },
    { sql: "DELETE FROM agent_conversations WHERE expires_at <= ?", args: [now] },
  ];

  /**
   * Appends a change (capping the log). `onlyIfChanged`: only when the statement just before it
   * changed a row — SQLite's changes() — which is how a guarded write's follow-ups stay conditional.
   */
  const changeStatements = (change: ConversationChange, onlyIfChanged = false): InStatement[] => [
    onlyIfChanged
      ? { sql: "INSERT INTO conversation_changes (data) SELECT ? WHERE changes() > 0", args: [JSON.stringify(change)] }
      : { sql: "INSERT INTO conversation_changes (data) VALUES (?)", args: [JSON.stringify(change)] },
    {
      sql: "DELETE FROM conversation_changes WHERE seq <= (SELECT MAX(seq) FROM conversation_changes) - ?",
      args: [CHANGE_LOG_MAX],
    },
  ];

  const feed = createPollingFeed<number>(
    {
      head: () =>
        run(async () =>
          Number((await db.execute("SELECT COALESCE(MAX(seq), 0) AS seq FROM conversation_changes")).rows[0]?.seq ?? 0),
        ),
      after: (cursor) =>
        run(async () => {
          const result = await db.execute({
            sql: "SELECT seq, data FROM conversation_changes WHERE seq > ? ORDER BY seq LIMIT ?",
            args: [cursor, CHANGE_PAGE],
          });
          const changes = result.rows.map((row) => decodeChange(row.data)).filter((c): c is ConversationChange => c !== null);
          const last = result.rows.at(-1);
          return { changes, cursor: last ? Number(last.seq) : cursor, more: result.rows.length === CHANGE_PAGE };
        }),
    },
    { intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, onError: options.onError },
  );

  const getConversation = (id: string) =>
    run(async () => {
      const result = await db.execute({
        sql: "SELECT data FROM conversations WHERE id = ? AND expires_at > ?",
        args: [id, Date.now()],
      });
      return decodeConversation(result.rows[0]?.data, id);
    });

  /** The agent table's row values besides id and data: the sort columns of §2.4.10. */
  const agentColumns = (conversation: AgentConversation) => [
    epochMs(conversation.createdAt),
    epochMs(conversation.lastAccessedAt),
    conversation.messages?.length ?? 0,
  ];

  /**
   * One optimistic read-modify-write on `table`: reads the live row, applies, and writes with a
   * guarded UPDATE that matches only while the row still holds what was read. Retried by the caller.
   */
  const updateRow = <T extends { conversationId: string }>(spec: {
    table: "conversations" | "agent_conversations";
    id: string;
    decode: (raw: unknown, id: string) => T | null;
    apply: (current: T) => T | Promise<T>;
    /** Extra columns set with the data (SQL fragment and values). */
    columns?: (next: T) => { sql: string; args: (string | number)[] };
    change?: ConversationChange;
  }) =>
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

  return {
    backend: "libsql",
    getConversation,

    saveConversation: (conversation: Conversation, { pointer, change }: SaveOptions = {}) =>
      run(async () => {
        const now = Date.now();
        const id = conversation.conversationId;
        const statements: InStatement[] = [
          ...purge(now),
          {
            sql: `INSERT INTO conversations (id, data, expires_at) VALUES (?, ?, ?)
                  ON CONFLICT(id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
            args: [id, JSON.stringify(conversation), now + ttl],
          },
        ];
        if (pointer) {
          statements.push({
            sql: `INSERT INTO conversation_pointers (queue, conversation_id) VALUES (?, ?)
                  ON CONFLICT(queue) DO UPDATE SET conversation_id = excluded.conversation_id`,
            args: [pointer, id],
          });
        }
        if (change) statements.push(...changeStatements(toChange("conversation", change, id)));
        await db.batch(statements, "write");
      }),

    updateConversation: (id, apply, { change } = {}) =>
      run(() =>
        updateRow({
          table: "conversations",
          id,
          decode: decodeConversation,
          apply,
          ...(change ? { change: toChange("conversation", change, id) } : {}),
        }),
      ),

    insertConversation: (conversation, { change } = {}) =>
      run(async () => {
        const now = Date.now();
        const id = conversation.conversationId;
        const results = await db.batch(
          [
            ...purge(now), // an expired row with this id no longer counts
            {
              sql: "INSERT INTO conversations (id, data, expires_at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING",
              args: [id, JSON.stringify(conversation), now + ttl],
            },
            ...(change ? changeStatements(toChange("conversation", change, id), true) : []),
          ],
          "write",
        );
        return (results[2]?.rowsAffected ?? 0) > 0;
      }),

    claimLastConversation: (queue, candidate, { change } = {}) =>
      run(async () => {
        const now = Date.now();
        const id = candidate.conversationId;
        // One write transaction: instances asking at once are serialised here, and only the first
        // finds the queue free. Its conversation is written; everyone's last statement reads it.
        const results = await db.batch(
          [
            ...purge(now),
            // A pointer at a conversation that is gone (expired, deleted) leaves the queue free.
            {
              sql: "DELETE FROM conversation_pointers WHERE queue = ? AND conversation_id NOT IN (SELECT id FROM conversations)",
              args: [queue],
            },
            {
              sql: "INSERT INTO conversation_pointers (queue, conversation_id) VALUES (?, ?) ON CONFLICT(queue) DO NOTHING",
              args: [queue, id],
            },
            {
              sql: "INSERT INTO conversations (id, data, expires_at) SELECT ?, ?, ? WHERE changes() > 0",
              args: [id, JSON.stringify(candidate), now + ttl],
            },
            ...(change ? changeStatements(toChange("conversation", change, id), true) : []),
            {
              sql: `SELECT c.id, c.data FROM conversation_pointers p JOIN conversations c ON c.id = p.conversation_id
                    WHERE p.queue = ?`,
              args: [queue],
            },
          ],
          "write",
        );
        const created = (results[3]?.rowsAffected ?? 0) > 0;
        const row = results.at(-1)?.rows[0];
        const conversation = row ? decodeConversation(row.data, String(row.id)) : null;
        if (!conversation) throw new Error(`The ${queue} queue's conversation is unreadable`);
        return { conversation, created };
      }),

    deleteConversation: (id: string) =>
      run(async () => {
        const [deleted] = await db.batch(
          [
            { sql: "DELETE FROM conversations WHERE id = ? AND expires_at > ?", args: [id, Date.now()] },
            { sql: "DELETE FROM conversation_pointers WHERE conversation_id = ?", args: [id] },
          ],
          "write",
        );
        return (deleted?.rowsAffected ?? 0) > 0;
      }),

    getLastConversation: (queue: QueueType) =>
      run(async () => {
        const result = await db.execute({
          sql: `SELECT c.id, c.data FROM conversation_pointers p JOIN conversations c ON c.id = p.conversation_id
                WHERE p.queue = ? AND c.expires_at > ?`,
          args: [queue, Date.now()],
        });
        const row = result.rows[0];
        return row ? decodeConversation(row.data, String(row.id)) : null;
      }),

    listConversations: (page: PageOptions = {}) =>
      run(async () => {
        const { offset, limit } = pageWindow(page);
        const now = Date.now();
        const [count, rows] = await db.batch(
          [
            { sql: "SELECT COUNT(*) AS total FROM conversations WHERE expires_at > ?", args: [now] },
            {
              sql: "SELECT id, data FROM conversations WHERE expires_at > ? ORDER BY expires_at DESC, id LIMIT ? OFFSET ?",
              args: [now, limit ?? -1, offset],
            },
          ],
          "read",
        );
        const conversations = (rows?.rows ?? [])
          .map((row) => decodeConversation(row.data, String(row.id)))
          .filter((c): c is Conversation => c !== null);
        return { conversations, total: Number(count?.rows[0]?.total ?? 0) };
      }),

    getAgentConversation: (id: string) =>
      run(async () => {
        const result = await db.execute({
          sql: "SELECT data FROM agent_conversations WHERE id = ? AND expires_at > ?",
          args: [id, Date.now()],
        });
        return decodeAgentConversation(result.rows[0]?.data, id);
      }),

    saveAgentConversation: (conversation: AgentConversation, { change }: AgentSaveOptions = {}) =>
      run(async () => {
        const now = Date.now();
        const id = conversation.conversationId;
        const statements: InStatement[] = [
          ...purge(now),
          {
            sql: `INSERT INTO agent_conversations (id, data, created_ms, last_accessed_ms, message_count, expires_at)
                  VALUES (?, ?, ?, ?, ?, ?)
                  ON CONFLICT(id) DO UPDATE SET data = excluded.data, created_ms = excluded.created_ms,
                    last_accessed_ms = excluded.last_accessed_ms, message_count = excluded.message_count,
                    expires_at = excluded.expires_at`,
            args: [id, JSON.stringify(conversation), ...agentColumns(conversation), now + ttl],
          },
        ];
        if (change) statements.push(...changeStatements(toChange("agent_conversation", change, id)));
        await db.batch(statements, "write");
      }),

    updateAgentConversation: (id, apply, { change } = {}) =>
      run(() =>
        updateRow({
          table: "agent_conversations",
          id,
          decode: decodeAgentConversation,
          apply,
          columns: (next) => ({
            sql: ", created_ms = ?, last_accessed_ms = ?, message_count = ?",
            args: agentColumns(next),
          }),
          ...(change ? { change: toChange("agent_conversation", change, id) } : {}),
        }),
      ),

    deleteAgentConversation: (id: string) =>
      run(async () => {
        const result = await db.execute({
          sql: "DELETE FROM agent_conversations WHERE id = ? AND expires_at > ?",
          args: [id, Date.now()],
        });
        return result.rowsAffected > 0;
      }),

    listAgentConversations: (list: AgentListOptions = {}) =>
      run(async () => {
        const { offset, limit } = pageWindow(list);
        const column = SORT_COLUMNS[list.sortBy ?? "lastAccessedAt"] ?? SORT_COLUMNS.lastAccessedAt;
        const direction = list.sortOrder === "asc" ? "ASC" : "DESC";
        const now = Date.now();
        const [count, rows] = await db.batch(
          [
            { sql: "SELECT COUNT(*) AS total FROM agent_conversations WHERE expires_at > ?", args: [now] },
            {
              // Column and direction come from the fixed maps above, never from input.
              sql: `SELECT id, data FROM agent_conversations WHERE expires_at > ?
                    ORDER BY ${column} ${direction}, id LIMIT ? OFFSET ?`,
              args: [now, limit ?? -1, offset],
            },
          ],
          "read",
        );
        const conversations = (rows?.rows ?? [])
          .map((row) => decodeAgentConversation(row.data, String(row.id)))
          .filter((c): c is AgentConversation => c !== null);
        return { conversations, total: Number(count?.rows[0]?.total ?? 0) };
      }),

    publish: (change: ConversationChange) =>
      run(async () => {
        await db.batch(changeStatements(change), "write");
      }),

    subscribe: (listener) => feed.subscribe(listener),

    async close() {
      feed.close(); // the client belongs to the caller
    },
  };
}
