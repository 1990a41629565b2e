// Node-only: helpers for git tests (credentials rows, reading .git/config).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "../../src/deps";

export async function addCredential(
  deps: Deps,
  row: { name: string; username?: string; password?: string; token?: string; repository_url?: string; active?: boolean },
): Promise<void> {
  await deps.db.execute({
    sql: "INSERT INTO git_credentials (name, username, password, token, repository_url, active) VALUES (?, ?, ?, ?, ?, ?)",
    args: [
      row.name,
      row.username ?? null,
      row.password ?? null,
      row.token ?? null,
      row.repository_url ?? null,
      row.active === false ? 0 : 1,
    ],
  });
}

export function gitConfigOf(repoDir: string): string {
  return readFileSync(join(repoDir, ".git", "config"), "utf8");
}

/** Local git only (no server involved), as a second opinion on what isomorphic-git wrote. */
export function localGit(repoDir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: repoDir, encoding: "utf8" }).trim();
}
