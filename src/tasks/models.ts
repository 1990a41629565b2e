import { AGENT_NAMES, type AgentName } from "../agents/adapter";
import type { AgentCliStatus } from "../agents/cli";
import type { TaskKind, TaskModel } from "./types";

const TITLES: Record<AgentName, string> = {
  cursor: "Cursor Agent",
  claude: "Claude Code",
  codex: "Codex",
  gemini: "Gemini CLI",
  opencode: "opencode",
};

/** A model a task may name (§2.3's shape), and which kind of task it drives. */
export type TaskModelOption = TaskModel & { kind: TaskKind };

/** Where more models come from (the desktop agent's configured LLM providers). */
export type ModelSource = () => Promise<TaskModelOption[]>;

/**
 * `GET /tasks/models`: every agent CLI found here (its default model; `provider` is the agent),
 * then the models of any other source (configured LLM providers for desktop tasks).
 *
 * @example
 * await taskModels(cliStatus, []); // [{ provider: "claude", name: "default", title: "Claude Code (default model)", kind: "agent" }]
 */
export async function taskModels(cliStatus: AgentCliStatus, sources: ModelSource[]): Promise<TaskModelOption[]> {
  const agents = await Promise.all(AGENT_NAMES.map(async (agent) => ({ agent, status: await cliStatus(agent) })));
  const fromAgents = agents
    .filter(({ status }) => status.available)
    .map(({ agent }) => ({
      provider: agent,
      name: "default",
      title: `${TITLES[agent]} (default model)`,
      kind: "agent" as const,
    }));
  const others = (await Promise.all(sources.map((source) => source()))).flat();
  return [...fromAgents, ...others];
}
