// Runtime-neutral: the desktop actions as an MCP server (B§5.2), one tool `computer_<action>` each,
// served statelessly over streamable HTTP with the SDK's web-standard transport.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { ACTION_DESCRIPTIONS, ACTION_NAMES, type ActionName, actionInputs, type ComputerAction } from "./actions";
import { KEY_NAMES } from "./keys";
import type { ActionResult, Desktop } from "./service";

/** Tool name of an action (B§3.6 / §5.2). */
export const toolName = (action: ActionName) => `computer_${action}`;

const KEY_HINT = `Valid keys (case-insensitive): ${KEY_NAMES.join(", ")}, or one printable character.`;

function describe(action: ActionName): string {
  const base = ACTION_DESCRIPTIONS[action];
  return action === "type_keys" || action === "press_keys" ? `${base}. ${KEY_HINT}` : base;
}

/** An action's result as MCP content: an image for screenshots, an embedded resource for files, JSON text otherwise. */
function toContent(action: ComputerAction, result: ActionResult): CallToolResult {
  if ("image" in result) return { content: [{ type: "image", data: result.image, mimeType: "image/png" }] };
  if (action.action === "read_file" && "data" in result) {
    return {
      content: [
        {
          type: "resource",
          resource: { uri: `file://${encodeURI(action.path)}`, mimeType: result.mediaType, blob: result.data },
        },
      ],
    };
  }
  if ("x" in result) return { content: [{ type: "text", text: JSON.stringify({ x: result.x, y: result.y }) }] };
  return { content: [{ type: "text", text: JSON.stringify(result) }] };
}

/**
 * A fresh MCP server with the 16 computer tools over `desktop`. Input schemas are the actions' zod
 * schemas (src/desktop/actions.ts); a failed action is a tool error (`isError: true`) carrying the
 * same message the HTTP route would give.
 *
 * @example
 * const server = createComputerMcpServer(deps.desktop);
 */
export function createComputerMcpServer(desktop: Desktop, options: { signal?: AbortSignal } = {}): McpServer {
  const server = new McpServer({ name: "cursor-runner-computer", version: "0.1.0" });
  for (const name of ACTION_NAMES) {
    const schema = actionInputs[name] as z.ZodObject;
    server.registerTool(
      toolName(name),
      { description: describe(name), inputSchema: schema.shape },
      async (args: Record<string, unknown>) => {
        const action = { ...args, action: name } as ComputerAction;
        try {
          return toContent(action, await desktop.run(action, { source: "mcp", signal: options.signal }));
        } catch (error) {
          return { isError: true, content: [{ type: "text", text: `${toolName(name)} failed: ${(error as Error).message}` }] };
        }
      },
    );
  }
  return server;
}

/**
 * Answers one MCP POST (JSON-RPC) statelessly: a new server and transport per request, JSON answers
 * (no SSE), so any instance — Node or a Worker — can serve any request.
 *
 * @example
 * app.post("/mcp/computer", async (c) => handleMcpRequest(deps.desktop, c.req.raw, await c.req.json()));
 */
export async function handleMcpRequest(desktop: Desktop, request: Request, parsedBody: unknown): Promise<Response> {
  const server = createComputerMcpServer(desktop, { signal: request.signal });
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request, { parsedBody });
  } finally {
    void server.close();
  }
}
