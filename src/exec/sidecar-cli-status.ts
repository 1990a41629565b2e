// Runtime-neutral: whether the agent CLI is installed on the sidecar, asked over HTTP.
import type { CliStatus } from "../agents/cli";
import { createSidecarClient, type SidecarClientOptions } from "./sidecar-client";

/**
 * The `cliStatus` of a runner whose agents run on a sidecar: the CLI has to exist there, not
 * here. An unreachable sidecar counts as "unavailable" (execution routes answer 503 and say why).
 *
 * @example
 * cliStatus: sidecarCliLookup({ url: config.executor.url, token: config.executor.token }, config.cursor.cliPath),
 */
export function sidecarCliLookup(options: SidecarClientOptions, command: string): () => Promise<CliStatus> {
  const api = createSidecarClient(options);
  return async () => {
    try {
      return await api.which(command);
    } catch (error) {
      return { command, available: false, error: `sidecar unreachable at ${api.base}: ${(error as Error).message}` };
    }
  };
}
