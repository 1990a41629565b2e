import { describe, expect, it } from "vitest";
import { createLibsqlConversationStore } from "../../src/conversations/libsql";
import { createMigrator } from "../../src/db/migrator";
import { readMigrations } from "../../src/node/migrations";
import { createTestDatabase } from "./libsql-db";
import { conversationStoreContract } from "./store.contract";

conversationStoreContract("libsql", async () => {
  const database = await createTestDatabase();
  return {
    // Each instance gets its own client on the same file, as separate processes would.
    open: async (options) => createLibsqlConversationStore(database.connect(), options),
    async reset() {
      await database.db.executeMultiple(
        "DELETE FROM conversations; DELETE FROM conversation_pointers; DELETE FROM agent_conversations; DELETE FROM conversation_changes;",
      );
    },
    async teardown() {
      database.cleanup();
    },
  };
});

describe("migration 0010_create_conversations", () => {
  it("applies, reverts and applies again", async () => {
    const database = await createTestDatabase();
    try {
      const sources = (await readMigrations()).filter((source) => source.name === "0010_create_conversations");
      const migrator = createMigrator(database.db, sources);
      expect(await migrator.down()).toEqual(["0010_create_conversations"]);
      const tables = await database.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%conversation%'",
      );
      expect(tables.rows).toEqual([]);
      expect(await migrator.up()).toEqual(["0010_create_conversations"]);
      const store = createLibsqlConversationStore(database.db);
      expect(await store.getConversation("x")).toBeNull();
      await store.close();
    } finally {
      database.cleanup();
    }
  });
});
