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

  const create = async (id: string, pointer: QueueType | undefined): Promise<Conversation> => {
    const at = now();
    const conversation: Conversation = { conversationId: id, messages: [], createdAt: at, lastAccessedAt: at };
    await store.saveConversation(conversation, { change: "created", ...(pointer ? { pointer } : {}) });
    return conversation;
  };

  /** Marks the conversation used: new lastAccessedAt and a fresh TTL (for it and any pointer at it). */
  const touch = async (conversation: Conversation) => {
    await store.saveConversation({ ...conversation, lastAccessedAt: now() });
  };

  return {
    /**
     * The conversation a run should use (§7.3). With an `id`: that conversation, created if absent —
     * the caller named it, so its messages must have somewhere to go — without moving any queue
     * pointer. Without: the queue's last live conversation, or a new one the queue then points at.
     */
    async getConversationId(id?: string, queueType: QueueType = "default"): Promise<string> {
      try {
        if (id) {
          const existing = await store.getConversation(id);
          if (existing) await touch(existing);
          else await create(id, undefined);
          return id;
        }
        const last = await store.getLastConversation(queueType);
        if (last) {
          await touch(last);
          return last.conversationId;
        }
        return (await create(newConversationId(), queueType)).conversationId;
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
     * `summarizedMessages`, so the context keeps up (§12 item 15).
     */
    async addMessage(id: string, role: MessageRole, content: string, opts: AddMessageOptions = {}): Promise<Conversation | null> {
      if (opts.isReviewAgent && !(await options.isDebugEnabled?.())) return null;
      const conversation = await load(id);
      const message: Message = { role, content, timestamp: now() };
      conversation.messages.push(message);
      conversation.summarizedMessages?.push(message);
      conversation.lastAccessedAt = message.timestamp;
      await store.saveConversation(conversation, { change: "message_added" });
      return conversation;
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
     * the full transcript.
     */
    async summarizeConversation(id: string, summarize: (messages: Message[]) => Promise<string>): Promise<Conversation> {
      const before = await load(id);
      const input = before.summarizedMessages ?? before.messages;
      const summary = await summarize(input);
      const latest = await load(id);
      const arrived = latest.messages.slice(before.messages.length);
      latest.summarizedMessages = [
        { role: "assistant", content: `[Conversation Summary] ${summary}`, timestamp: now() },
        ...input.slice(-3),
        ...arrived,
      ];
      await store.saveConversation(latest, { change: "summarized" });
      return latest;
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
