import { AgentConversationNotFoundError } from "./errors";
import { newAgentConversationId, newAgentMessageId } from "./ids";
import type { AgentConversation, AgentListOptions, AgentMessage, ConversationStore, Page } from "./types";

export interface AgentConversationServiceOptions {
  /** For tests. */
  now?: () => Date;
}

/**
 * The agent (voice) conversation service (§8). Reads touch `lastAccessedAt` and refresh the TTL, as
 * the original's did; lists do not. Every write publishes a change through the store. Storage
 * outages reject with `StoreUnavailableError`; the HTTP edge decides what to answer.
 *
 * @example
 * const agents = createAgentConversationService(store);
 * const conversation = await agents.createConversation("agent-42", { channel: "voice" });
 * await agents.addMessage(conversation.conversationId, { role: "user", content: "hello", source: "voice" });
 */
export function createAgentConversationService(store: ConversationStore, options: AgentConversationServiceOptions = {}) {
  const now = () => options.now?.() ?? new Date();

  const getConversation = async (id: string): Promise<AgentConversation | null> => {
    const conversation = await store.getAgentConversation(id);
    if (!conversation) return null;
    conversation.lastAccessedAt = now().toISOString();
    await store.saveAgentConversation(conversation);
    return conversation;
  };

  return {
    /** A new active conversation, `agent-{epochMs}-{id9}`, titled as the original titled it. */
    async createConversation(agentId?: string, metadata?: Record<string, unknown>): Promise<AgentConversation> {
      const at = now();
      const id = newAgentConversationId(at.getTime());
      const conversation: AgentConversation = {
        conversationId: id,
        messages: [],
        createdAt: at.toISOString(),
        lastAccessedAt: at.toISOString(),
        ...(agentId ? { agentId } : {}),
        ...(metadata ? { metadata } : {}),
        title: `Agent Conversation ${id.substring(0, 8)}`,
        status: "active",
      };
      await store.saveAgentConversation(conversation, { change: "created" });
      return conversation;
    },

    /** Null for unknown or expired ids; otherwise marks it accessed (new lastAccessedAt, fresh TTL). */
    getConversation,

    /** §8 ordering and paging over live conversations; `total` counts before slicing. */
    listConversations: (list?: AgentListOptions): Promise<Page<AgentConversation>> => store.listAgentConversations(list),

    /** Appends a message, filling `timestamp` and `messageId`; unknown ids throw `AgentConversationNotFoundError`. */
    async addMessage(id: string, message: AgentMessage): Promise<AgentConversation> {
      const conversation = await store.getAgentConversation(id);
      if (!conversation) throw new AgentConversationNotFoundError(id);
      const at = now();
      conversation.messages.push({
        ...message,
        timestamp: message.timestamp ?? at.toISOString(),
        messageId: message.messageId ?? newAgentMessageId(at.getTime()),
      });
      conversation.lastAccessedAt = at.toISOString();
      await store.saveAgentConversation(conversation, { change: "message_added" });
      return conversation;
    },

    /** Stores the conversation as given (§8 `updateConversation`). */
    async updateConversation(conversation: AgentConversation): Promise<AgentConversation> {
      await store.saveAgentConversation(conversation, { change: "updated" });
      return conversation;
    },
  };
}

export type AgentConversationService = ReturnType<typeof createAgentConversationService>;
