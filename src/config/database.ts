import { z } from "zod";
import { type BuildContext, type EnvValues, joinPath, text } from "./parse";

/** The libSQL database: a URL, else a shared SQLite path, else ./data/cursor-runner.db. */
export const databaseEnv = {
  DATABASE_URL: z
    .string()
    .optional()
    .refine((raw) => raw === undefined || /^(file:|https?:\/\/|libsql:\/\/|wss?:\/\/)/.test(raw), {
      message: "expects a file:, http(s)://, ws(s):// or libsql:// URL",
    }),
  DATABASE_AUTH_TOKEN: text(),
  SHARED_DB_PATH: text(),
};

export function databaseConfig(e: EnvValues<typeof databaseEnv>, { cwd }: BuildContext) {
  const url =
    e.DATABASE_URL ??
    (e.SHARED_DB_PATH ? `file:${joinPath(cwd, e.SHARED_DB_PATH)}` : `file:${joinPath(cwd, "data/cursor-runner.db")}`);
  return { database: { url, authToken: e.DATABASE_AUTH_TOKEN } };
}
