import type { Config } from "../config";
import { HttpError } from "../http/errors";
import { AGENT_NAMES, type AgentAdapter, type AgentName } from "./adapter";
import { createCursorParser, cursorArgs, detectCursorSetupError } from "./cursor";

/**
 * Builds the adapter for each agent from configuration.
 *
 * @example
 * const agent = agentRegistry(config);
 * const cursor = agent("cursor");
 */
export function agentRegistry(config: Config): (name: AgentName) => AgentAdapter {
  const outputFormat = config.cursor.outputFormat;
  const adapters: Record<AgentName, AgentAdapter> = {
    cursor: {
      name: "cursor",
      command: config.cursor.cliPath,
      args: ({ prompt, resumeSessionId, model, approveMcps }) =>
        cursorArgs({
          prompt,
          outputFormat,
          ...(resumeSessionId ? { resumeSessionId } : {}),
          ...(model ? { model } : {}),
          ...(approveMcps ? { approveMcps } : {}),
        }),
      parser: () => createCursorParser({ outputFormat }),
      setupError: detectCursorSetupError,
    },
  };
  return (name) => {
    const adapter = adapters[name];
    if (!adapter) throw new HttpError(400, `Unknown agent "${name}"; valid agents: ${AGENT_NAMES.join(", ")}`);
    return adapter;
  };
}
