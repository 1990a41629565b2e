import type { InStatement } from "@libsql/client";
import { decodeAgentConversation, pageWindow, toChange } from "../records";
import type { AgentConversation, AgentListOptions, AgentSaveOptions, ConversationStore } from "../types";
import { agentColumns, changeStatements, guarded, type LibsqlStoreContext, purge, updateRow } from "./sql";

type AgentConversationMethods = Pick<
  ConversationStore,
  | "getAgentConversation"
  | "saveAgentConversation"
  | "updateAgentConversation"
  | "deleteAgentConversation"
  | "listAgentConversations"
>;

const SORT_COLUMNS = { createdAt: "created_ms", lastAccessedAt: "last_accessed_ms", messageCount: "message_count" } as const;

/** The agent conversations (§2.4.10) in `agent_conversations`, with their sort keys as columns. */
export function agentConversationMethods(context: LibsqlStoreContext): AgentConversationMethods {
  const { db, ttl } = context;
  return {
    getAgentConversation: (id: string) =>
      guarded(async () => {
        const result = await db.execute({
          sql: "SELECT data FROM agent_conversations WHERE id = ? AND expires_at > ?",
          args: [id, Date.now()],
        });
        return decodeAgentConversation(result.rows[0]?.data, id);
      }),

    saveAgentConversation: (conversation: AgentConversation, { change }: AgentSaveOptions = {}) =>
      guarded(async () => {
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
      guarded(() =>
        updateRow(context, {
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
      guarded(async () => {
        const result = await db.execute({
          sql: "DELETE FROM agent_conversations WHERE id = ? AND expires_at > ?",
          args: [id, Date.now()],
        });
        return result.rowsAffected > 0;
      }),

    listAgentConversations: (list: AgentListOptions = {}) =>
      guarded(async () => {
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
  };
}
