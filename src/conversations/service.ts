import { ConversationNotFoundError, isStoreUnavailable } from "./errors";
import { newConversationId } from "./ids";
import type { Conversation, ConversationStore, Message, MessageRole, Page, PageOptions, QueueType } from "./types";

export interface ConversationServiceOptions {
  /** §7.3: review-agent messages are kept only while the `debug` system setting is on. Default: off. */
  isDebugEnabled?: () => Promise<boolean>;
  /** For tests. */
  now?: () => Date;
}

export interface AddMessageOptions {
  isReviewAgent?: boolean;
}

/** §7.2: `telegram` and `api` have their own pointer; anything else shares `default`. */
export const toQueueType = (value: unknown): QueueType => (value === "telegram" || value === "api" ? value : "default");

/**
 * The note-taking conversation service (§7) minus the original's bugs: reading an unknown id finds
 * nothing and creates nothing (§12 item 14), context after a summary includes later messages
 * (§12 item 15), and queue pointers die with their conversation (§12 item 16, in the store).
 * Every write publishes a change through the store, for WebSocket fan-out across instances.
 *
 * Storage outages reject with `StoreUnavailableError`, except on the two calls the execute path
 * makes before a run, which degrade as §7.3 specifies so a run can go ahead without memory:
 * `getConversationId` falls back to `id ?? randomUUID()` and `getConversationContext` to `[]`.
 *
 * @example
 * const conversations = createConversationService(store, { isDebugEnabled: () => settings.isEnabled("debug") });
 * const id = await conversations.getConversationId(undefined, "api");
 * await conversations.addMessage(id, "user", "Fix the flaky test");
 */
export function createConversationService(store: ConversationStore, options: ConversationServiceOptions = {}) {
  const now = () => (options.now?.() ?? new Date()).toISOString();

  const load = async (id: string): Promise<Conversation> => {
    const conversation = await store.getConversation(id);
    if (!conversation) throw new ConversationNotFoundError(id);
    return conversation;
  };

  const fresh = (id: string): Conversation => {
    const at = now();
    return { conversationId: id, messages: [], createdAt: at, lastAccessedAt: at };
  };

  const create = async (id: string, pointer: QueueType): Promise<Conversation> => {
    const conversation = fresh(id);
    await store.saveConversation(conversation, { change: "created", pointer });
    return conversation;
  };

  /**
   * Marks the conversation used: new lastAccessedAt and a fresh TTL (for it and any pointer at it).
   * Atomic, so a message appended at the same moment by another instance is kept. False when gone.
   */
  const touch = async (id: string) => (await store.updateConversation(id, (c) => ({ ...c, lastAccessedAt: now() }))) !== null;

  return {
    /**
     * The conversation a run should use (§7.3). With an `id`: that conversation, created if absent —
     * the caller named it, so its messages must have somewhere to go — without moving any queue
     * pointer. Without: the queue's last live conversation, or a new one the queue then points at —
     * one, however many instances ask at the same moment.
     */
    async getConversationId(id?: string, queueType: QueueType = "default"): Promise<string> {
      try {
        if (id) {
          // Created only if nobody else (another instance, at the same moment) has created it.
          if (!(await touch(id))) await store.insertConversation(fresh(id), { change: "created" });
          return id;
        }
        const last = await store.getLastConversation(queueType);
        if (last && (await touch(last.conversationId))) return last.conversationId;
        // Instances asking at once all get the one conversation the first of them created.
        const claim = await store.claimLastConversation(queueType, fresh(newConversationId()), { change: "created" });
        if (!claim.created) await touch(claim.conversation.conversationId);
        return claim.conversation.conversationId;
      } catch (error) {
        if (isStoreUnavailable(error)) return id ?? newConversationId();
        throw error;
      }
    },

    /** A new, empty conversation that the queue's pointer then names. */
    createConversation: (queueType: QueueType = "default"): Promise<Conversation> => create(newConversationId(), queueType),

    /** §2.4.7: a fresh conversation for the queue; returns its id. */
    async forceNewConversation(queueType: QueueType = "default"): Promise<string> {
      return (await create(newConversationId(), queueType)).conversationId;
    },

    /** Null for unknown or expired ids; never creates anything and never moves a pointer. */
    getConversation: (id: string): Promise<Conversation | null> => store.getConversation(id),

    listConversations: (page?: PageOptions): Promise<Page<Conversation>> => store.listConversations(page),

    /**
     * Appends a message (§7.3). Unknown ids throw `ConversationNotFoundError`. Review-agent messages
     * are skipped (null) unless debug is on. After a summary the message also joins
     * `summarizedMessages`, so the context keeps up (§12 item 15). Atomic: concurrent appends, from
     * any number of instances, all land, each once.
     */
    async addMessage(id: string, role: MessageRole, content: string, opts: AddMessageOptions = {}): Promise<Conversation | null> {
      if (opts.isReviewAgent && !(await options.isDebugEnabled?.())) return null;
      const message: Message = { role, content, timestamp: now() };
      const updated = await store.updateConversation(
        id,
        (conversation) => ({
          ...conversation,
          messages: [...conversation.messages, message],
          ...(conversation.summarizedMessages ? { summarizedMessages: [...conversation.summarizedMessages, message] } : {}),
          lastAccessedAt: message.timestamp,
        }),
        { change: "message_added" },
      );
      if (!updated) throw new ConversationNotFoundError(id);
      return updated;
    },

    /** The messages to give the agent: the summary and everything after it, else the whole transcript. */
    async getConversationContext(id: string): Promise<Message[]> {
      try {
        const conversation = await store.getConversation(id);
        return conversation?.summarizedMessages ?? conversation?.messages ?? [];
      } catch (error) {
        if (isStoreUnavailable(error)) return [];
        throw error;
      }
    },

    /** The full transcript, summary or not; `[]` for unknown ids. */
    async getRawConversation(id: string): Promise<Message[]> {
      return (await store.getConversation(id))?.messages ?? [];
    },

    /**
     * §7.4: `summarize` condenses the current context; the stored context becomes the summary, the
     * last three messages it covered, and any message that arrived while it ran. `messages` keeps
     * the full transcript. The write is atomic, so a message appended while it is being written
     * (by any instance) is neither lost nor left out of the new context.
     */
    async summarizeConversation(id: string, summarize: (messages: Message[]) => Promise<string>): Promise<Conversation> {
      const before = await load(id);
      const input = before.summarizedMessages ?? before.messages;
      const summary: Message = {
        role: "assistant",
        content: `[Conversation Summary] ${await summarize(input)}`,
        timestamp: now(),
      };
      const updated = await store.updateConversation(
        id,
        (latest) => ({
          ...latest,
          summarizedMessages: [summary, ...input.slice(-3), ...latest.messages.slice(before.messages.length)],
        }),
        { change: "summarized" },
      );
      if (!updated) throw new ConversationNotFoundError(id);
      return updated;
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
