import type { InStatement } from "@libsql/client";
import { decodeConversation, pageWindow, toChange } from "../records";
import type { Conversation, ConversationStore, PageOptions, QueueType, SaveOptions } from "../types";
import { changeStatements, guarded, type LibsqlStoreContext, purge, updateRow } from "./sql";

type ConversationMethods = Pick<
  ConversationStore,
  | "getConversation"
  | "saveConversation"
  | "updateConversation"
  | "insertConversation"
  | "claimLastConversation"
  | "deleteConversation"
  | "getLastConversation"
  | "listConversations"
>;

/**
 * The queue conversations (§7.2) in `conversations`, with queue pointers in `conversation_pointers`
 * resolved through a join on live rows, so they expire with the conversation they name.
 */
export function conversationMethods(context: LibsqlStoreContext): ConversationMethods {
  const { db, ttl } = context;
  return {
    getConversation: (id) =>
      guarded(async () => {
        const result = await db.execute({
          sql: "SELECT data FROM conversations WHERE id = ? AND expires_at > ?",
          args: [id, Date.now()],
        });
        return decodeConversation(result.rows[0]?.data, id);
      }),

    saveConversation: (conversation: Conversation, { pointer, change }: SaveOptions = {}) =>
      guarded(async () => {
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
      guarded(() =>
        updateRow(context, {
          table: "conversations",
          id,
          decode: decodeConversation,
          apply,
          ...(change ? { change: toChange("conversation", change, id) } : {}),
        }),
      ),

    insertConversation: (conversation, { change } = {}) =>
      guarded(async () => {
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
      guarded(async () => {
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
      guarded(async () => {
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
      guarded(async () => {
        const result = await db.execute({
          sql: `SELECT c.id, c.data FROM conversation_pointers p JOIN conversations c ON c.id = p.conversation_id
                WHERE p.queue = ? AND c.expires_at > ?`,
          args: [queue, Date.now()],
        });
        const row = result.rows[0];
        return row ? decodeConversation(row.data, String(row.id)) : null;
      }),

    listConversations: (page: PageOptions = {}) =>
      guarded(async () => {
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
  };
}
