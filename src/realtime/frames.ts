import type { AgentConversation, Conversation, ConversationChange } from "../conversations/types";
import type { ConversationFamily } from "./topics";

/** The JSON text frames the server sends (§2.5); clients send nothing that matters. */

export type ConversationRecord = Conversation | AgentConversation;

const NOT_FOUND: Record<ConversationFamily, string> = {
  conversation: "Conversation not found or conversation storage unavailable",
  agent_conversation: "Agent conversation not found or conversation storage unavailable",
};

/** `{type:"conversation.snapshot", conversationId, conversation}` (or `agent_conversation.snapshot`). */
export const snapshotFrame = (family: ConversationFamily, conversationId: string, conversation: ConversationRecord) =>
  JSON.stringify({ type: `${family}.snapshot`, conversationId, conversation });

/** The original's error frame for an unknown id or unreachable storage. */
export const notFoundFrame = (family: ConversationFamily, conversationId: string) =>
  JSON.stringify({ type: "error", error: NOT_FOUND[family], conversationId });

/** Anything else that went wrong while reading the snapshot. */
export const errorFrame = (message: string) => JSON.stringify({ type: "error", error: message });

/** `{type:"conversation.updated", conversationId, conversation, reason}`, `…created` without a reason. */
export const changeFrame = (change: ConversationChange, conversation: ConversationRecord) =>
  JSON.stringify({
    type: change.type,
    conversationId: change.conversationId,
    conversation,
    ...(change.reason ? { reason: change.reason } : {}),
  });
