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

  /** Atomic, so a message appended at the same moment by another instance is kept. */
  const getConversation = (id: string): Promise<AgentConversation | null> =>
    store.updateAgentConversation(id, (conversation) => ({ ...conversation, lastAccessedAt: now().toISOString() }));

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

    /**
     * Appends a message, filling `timestamp` and `messageId`; unknown ids throw
     * `AgentConversationNotFoundError`. Atomic: concurrent appends from any instance all land, each once.
     */
    async addMessage(id: string, message: AgentMessage): Promise<AgentConversation> {
      const at = now();
      const added: AgentMessage = {
        ...message,
        timestamp: message.timestamp ?? at.toISOString(),
        messageId: message.messageId ?? newAgentMessageId(at.getTime()),
      };
      const updated = await store.updateAgentConversation(
        id,
        (conversation) => ({ ...conversation, messages: [...conversation.messages, added], lastAccessedAt: at.toISOString() }),
        { change: "message_added" },
      );
      if (!updated) throw new AgentConversationNotFoundError(id);
      return updated;
    },

    /** Stores the conversation as given (§8 `updateConversation`): the caller's whole record, last writer wins. */
    async updateConversation(conversation: AgentConversation): Promise<AgentConversation> {
      await store.saveAgentConversation(conversation, { change: "updated" });
      return conversation;
    },
  };
}

export type AgentConversationService = ReturnType<typeof createAgentConversationService>;
