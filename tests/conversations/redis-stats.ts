import type { createClient } from "redis";

/** How many times the server has run KEYS, from INFO commandstats. */
export async function keysCalls(client: Pick<ReturnType<typeof createClient>, "info">): Promise<number> {
  const info = await client.info("commandstats");
  const match = /cmdstat_keys:calls=(\d+)/.exec(info);
  return match ? Number(match[1]) : 0;
}
