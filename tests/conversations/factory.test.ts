import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConversationStore } from "../../src/conversations/index";
import { createRedisConversationStore } from "../../src/conversations/redis";
import { type RedisServer, startRedisServer } from "../support/redis";
import { createTestDatabase, type TestDatabase } from "./libsql-db";

describe("createConversationStore", () => {
  let database: TestDatabase;
  let redis: RedisServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedisServer();
  });
  afterAll(async () => {
    database?.cleanup();
    await redis?.close();
  });

  it("uses libSQL when no Redis is configured", async () => {
    const store = await createConversationStore({ redis: { url: undefined, upstash: undefined } }, { db: database.db });
    expect(store.backend).toBe("libsql");
    expect(await store.getConversation("x")).toBeNull();
    await store.close();
  });

  it("uses Redis over TCP for REDIS_URL, through the injected Node-only factory", async () => {
    const store = await createConversationStore(
      { redis: { url: redis.url, upstash: undefined } },
      { db: database.db, createRedisStore: createRedisConversationStore },
    );
    expect(store.backend).toBe("redis");
    expect(await store.getConversation("x")).toBeNull();
    await store.close();
  });

  it("refuses REDIS_URL where no TCP factory was given (Workers)", async () => {
    await expect(createConversationStore({ redis: { url: redis.url, upstash: undefined } }, { db: database.db })).rejects.toThrow(
      /UPSTASH_REDIS_REST_URL/,
    );
  });

  it("prefers Upstash when its URL and token are set", async () => {
    const store = await createConversationStore(
      { redis: { url: redis.url, upstash: { url: "http://127.0.0.1:1", token: "t" } } },
      { db: database.db, createRedisStore: createRedisConversationStore },
    );
    expect(store.backend).toBe("upstash");
    await store.close();
  });
});
