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
  const client = retryWhenBusy(createClient({ url: options.url, authToken: options.authToken, timeout: 5000 }));
  if (options.url.startsWith("file:")) {
    await client.execute("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL is crash-safe for the application (a power loss may drop the last
    // commits, never corrupt); FULL costs an fsync per write, ~50x slower here.
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  return client;
}

const BUSY_ATTEMPTS = 8;

const isBusy = (error: unknown) => /^SQLITE_BUSY/.test(String((error as { code?: unknown } | null)?.code ?? ""));

/**
 * A libSQL server (sqld) shared by several instances answers SQLITE_BUSY now and then when writes
 * from different connections meet (its wait for the write lock is short), where a local file would
 * have waited. A statement or batch that failed with SQLITE_BUSY did not apply (a batch is one
 * transaction), so `execute` and `batch` try again a few times after a short jittered pause
 * (≈ 2.5 s in all) before giving up. Interactive transactions are retried by their callers.
 */
export function retryWhenBusy(client: Client, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Client {
  const retry = async <T>(operation: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (!isBusy(error) || attempt >= BUSY_ATTEMPTS) throw error;
        await sleep(Math.min(20 * 2 ** attempt, 800) * (0.5 + Math.random()));
      }
    }
  };
  const execute = client.execute.bind(client) as (...args: unknown[]) => ReturnType<Client["execute"]>;
  const batch = client.batch.bind(client);
  client.execute = ((...args: unknown[]) => retry(() => execute(...args))) as Client["execute"];
  client.batch = ((...args: Parameters<Client["batch"]>) => retry(() => batch(...args))) as Client["batch"];
  return client;
}

export { isBusy as isBusyError };
