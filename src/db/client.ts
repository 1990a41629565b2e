import type { Client, Config as LibsqlConfig } from "@libsql/client";

export type CreateClient = (config: LibsqlConfig) => Client;

/**
 * Opens the libSQL database. `createClient` is passed in so the Node entry can use the native
 * `@libsql/client` (file: URLs) and the Workers entry `@libsql/client/web` (HTTP only).
 * Local files get WAL and a busy timeout (on every pooled connection) so concurrent writers wait
 * instead of failing with SQLITE_BUSY.
 */
export async function openDatabase(
  createClient: CreateClient,
  options: { url: string; authToken?: string | undefined },
): Promise<Client> {
  const client = createClient({ url: options.url, authToken: options.authToken, timeout: 5000 });
  if (options.url.startsWith("file:")) {
    await client.execute("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL is crash-safe for the application (a power loss may drop the last
    // commits, never corrupt); FULL costs an fsync per write, ~50x slower here.
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  return client;
}
