import which from "which";
import type { CliStatus } from "../deps";

/** Finds an executable the way a spawn would (PATH lookup, or the path as given). */
export function cliLookup(command: string): () => Promise<CliStatus> {
  return async () => {
    const path = await which(command, { nothrow: true });
    return path
      ? { command, available: true, path }
      : { command, available: false, error: `${command} was not found on PATH; set CURSOR_CLI_PATH to its location` };
  };
}
