/** Which conversation family a WebSocket path follows, and the topic names sockets subscribe to (§2.5). */

export type ConversationFamily = "conversation" | "agent_conversation";

/** The original's four paths; both routers' public prefixes are accepted. */
export const WS_PATHS: Readonly<Record<string, ConversationFamily>> = {
  "/api/ws": "conversation",
  "/conversations/api/ws": "conversation",
  "/api/agent/ws": "agent_conversation",
  "/agent-conversations/api/ws": "agent_conversation",
};

export const familyForPath = (path: string): ConversationFamily | undefined =>
  Object.hasOwn(WS_PATHS, path) ? WS_PATHS[path] : undefined;

/** The task engine's socket: one task (`?taskId=`), or every task's changes (no id: a task list). */
export const TASK_WS_PATH = "/tasks/ws";

export const isWebSocketPath = (path: string): boolean => path === TASK_WS_PATH || familyForPath(path) !== undefined;

/** `task:{id}`, or `tasks` for a socket following every task. */
export const taskTopic = (taskId: string | null): string => (taskId ? `task:${taskId}` : "tasks");

/** `conversation:{id}` or `agent_conversation:{id}`. */
export const topicOf = (family: ConversationFamily, conversationId: string): string => `${family}:${conversationId}`;

/** The family a change event belongs to, from its type (`agent_conversation.updated` …). */
export const familyOfChange = (type: string): ConversationFamily =>
  type.startsWith("agent_conversation.") ? "agent_conversation" : "conversation";
