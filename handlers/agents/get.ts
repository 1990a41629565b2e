import { createRoute, z } from "@hono/zod-openapi";
import { AGENT_NAMES } from "../../src/agents/adapter";
import { CLI_PATH_VARIABLES } from "../../src/agents/cli";
import { defineEndpoint } from "../../src/http/endpoint";
import { commonErrors, jsonResponse } from "../../src/http/schemas";

const AgentSchema = z
  .object({
    name: z.enum(AGENT_NAMES),
    default: z.boolean(),
    command: z.string(),
    /** The setting that points at the executable. */
    setting: z.string(),
    available: z.boolean(),
    path: z.string().optional(),
    version: z.string().optional(),
    error: z.string().optional(),
  })
  .openapi("Agent");

const AgentsSchema = z.object({ agents: z.array(AgentSchema), default: z.enum(AGENT_NAMES) }).openapi("Agents");

/** GET /agents — every agent a request may name, whether its executable was found, and its version. */
export default defineEndpoint(
  createRoute({
    method: "get",
    path: "/agents",
    tags: ["agents"],
    summary: "Agent CLIs: found or not, and their versions",
    responses: { 200: jsonResponse(AgentsSchema, "One entry per agent"), ...commonErrors },
  }),
  async (c) => {
    const { cliStatus, config } = c.var.deps;
    const agents = await Promise.all(
      AGENT_NAMES.map(async (name) => ({
        name,
        default: name === config.agents.default,
        setting: CLI_PATH_VARIABLES[name],
        ...(await cliStatus(name, { version: true })),
      })),
    );
    return c.json({ agents, default: config.agents.default }, 200);
  },
);
