/**
 * Conversation shapes (spec §7.2, §8) and the one storage interface every backend implements.
 *
 * Two families share a store: "note-taking" conversations (the execute path, queue pointers) and
 * agent conversations (voice/agent UI). The JSON stored per conversation is exactly the original's,
 * so records written by the original service stay readable and ours stay readable by it.
 */

export type MessageRole = "user" | "assistant";

export interface Message {
  role: MessageRole;
  content: string;
  /** ISO 8601. */
  timestamp: string;
}

export interface Conversation {
  conversationId: string;
  messages: Message[];
  /** Summary message + recent messages (§7.4); also receives every message added after it (§12 item 15). */
  summarizedMessages?: Message[];
  createdAt: string;
  lastAccessedAt: string;
}

/** Which "last conversation" pointer a conversation belongs to (§7.2). */
export type QueueType = "default" | "telegram" | "api";

export type AgentMessageRole = "user" | "assistant" | "system" | "tool";
export type AgentMessageSource = "voice" | "text" | "user_input" | "agent_response" | "tool_output" | "system_event";

export interface AgentMessage {
  role: AgentMessageRole;
  content: string;
  timestamp?: string;
  source?: AgentMessageSource;
  messageId?: string;
  toolName?: string;
  toolArgs?: unknown;
  toolOutput?: unknown;
}

export type AgentConversationStatus = "active" | "completed" | "archived" | "failed";

export interface AgentConversation {
  conversationId: string;
  messages: AgentMessage[];
  createdAt: string;
  lastAccessedAt: string;
  agentId?: string;
  metadata?: Record<string, unknown>;
  title: string;
  status: AgentConversationStatus;
}

export type AgentSortBy = "createdAt" | "lastAccessedAt" | "messageCount";
export type SortOrder = "asc" | "desc";

export interface PageOptions {
  /** Defaults to everything from `offset` on. */
  limit?: number;
  /** Defaults to 0. */
  offset?: number;
}

export interface AgentListOptions extends PageOptions {
  /** Defaults to `lastAccessedAt`. */
  sortBy?: AgentSortBy;
  /** Defaults to `desc`. */
  sortOrder?: SortOrder;
}

export interface Page<T> {
  conversations: T[];
  /** Live conversations before slicing. */
  total: number;
}

/** What happened to a conversation; the reason travels in the change event (§2.5 broadcast shapes). */
export type ChangeKind = "created" | "message_added" | "summarized" | "updated";

export type ConversationChangeType =
  | "conversation.created"
  | "conversation.updated"
  | "agent_conversation.created"
  | "agent_conversation.updated";

/**
 * A change notification. Deliberately small (no conversation body): listeners that need the
 * snapshot read it by id, which keeps multi-megabyte transcripts off pub/sub.
 */
export interface ConversationChange {
  type: ConversationChangeType;
  conversationId: string;
  reason?: Exclude<ChangeKind, "created">;
  /** ISO 8601, set by the publishing instance. */
  at: string;
}

export type ChangeListener = (change: ConversationChange) => void;

/** Stops a subscription. `ready` settles once changes published from then on will be delivered. */
export interface Unsubscribe {
  (): void;
  ready: Promise<void>;
}

export interface SaveOptions {
  /** Also point this queue's "last conversation" at the saved conversation. */
  pointer?: QueueType;
  /** Publish a change event in the same round trip as the write. */
  change?: ChangeKind;
}

export interface AgentSaveOptions {
  change?: ChangeKind;
}

export interface UpdateOptions {
  /** Publish a change event in the same round trip as the write (only when something was written). */
  change?: Exclude<ChangeKind, "created">;
}

export interface CreateOptions {
  /** Publish `created` in the same round trip as the write (only when something was written). */
  change?: "created";
}

/**
 * The next state of a conversation, computed from the current one. It may run more than once (each
 * attempt re-reads), so it should only compute: no side effects. Keep `conversationId` as it is.
 */
export type Update<T> = (current: T) => T | Promise<T>;

/** What `claimLastConversation` found or created. */
export interface Claim {
  conversation: Conversation;
  /** True when the candidate became the queue's conversation; false when another one already was. */
  created: boolean;
}

/**
 * Storage for both conversation families, designed around what the services need rather than
 * around Redis commands. Every write refreshes the conversation's TTL (default 3600 s, §7.2/§8);
 * expired conversations disappear from reads, lists and pointers at the same moment.
 * Backend outages reject with `StoreUnavailableError` instead of hanging.
 */
export interface ConversationStore {
  readonly backend: "libsql" | "redis" | "upstash";

  /** Null when the id is unknown or expired. Reading never creates anything. */
  getConversation(id: string): Promise<Conversation | null>;
  /** Writes (TTL refreshed), keeps the list index and any pointer at it alive for as long as it lives. */
  saveConversation(conversation: Conversation, options?: SaveOptions): Promise<void>;
  /** True when something was deleted. Pointers at it stop resolving. */
  deleteConversation(id: string): Promise<boolean>;
  /** The conversation the queue's pointer names, or null when unset or that conversation has expired. */
  getLastConversation(queue: QueueType): Promise<Conversation | null>;
  /** Most recently written first; never scans the key space. */
  listConversations(options?: PageOptions): Promise<Page<Conversation>>;

  /**
   * Atomic read-modify-write (optimistic concurrency): reads the conversation, applies `apply`, and
   * writes the result (TTL, index and pointers as `saveConversation`) only if nobody wrote the
   * conversation in between — compared by its stored content, so no extra field is kept. When
   * someone did, it reads again and re-applies, after a short random back-off, up to
   * `StoreOptions.updateAttempts` times; then it rejects with `ConversationConflictError`, having
   * written nothing. Resolves with what it wrote, or null when the conversation is unknown or expired
   * (nothing written). Concurrent updates from any number of instances all land, one after another.
   */
  updateConversation(id: string, apply: Update<Conversation>, options?: UpdateOptions): Promise<Conversation | null>;
  /**
   * Writes the conversation only if no live conversation has its id; true when it did. Two
   * instances creating the same id at once: one writes, the other leaves the winner's record alone.
   */
  insertConversation(conversation: Conversation, options?: CreateOptions): Promise<boolean>;
  /**
   * The queue's live conversation; when it has none (no pointer, or the pointer names an expired
   * conversation), `candidate` is written and the pointer set to it, atomically, so instances
   * asking at the same moment all get the same one conversation. A losing candidate is never written.
   */
  claimLastConversation(queue: QueueType, candidate: Conversation, options?: CreateOptions): Promise<Claim>;

  getAgentConversation(id: string): Promise<AgentConversation | null>;
  saveAgentConversation(conversation: AgentConversation, options?: AgentSaveOptions): Promise<void>;
  deleteAgentConversation(id: string): Promise<boolean>;
  listAgentConversations(options?: AgentListOptions): Promise<Page<AgentConversation>>;
  /** `updateConversation` for agent conversations: no lost updates under concurrency. */
  updateAgentConversation(
    id: string,
    apply: Update<AgentConversation>,
    options?: UpdateOptions,
  ): Promise<AgentConversation | null>;

  /** Publishes a change to every instance sharing the backend (saves with `change` do this for you). */
  publish(change: ConversationChange): Promise<void>;
  /** Receives changes from every instance on the backend, this one included. */
  subscribe(listener: ChangeListener): Unsubscribe;

  /** Stops background work and closes connections the store opened itself. */
  close(): Promise<void>;
}

/** Options every backend understands. */
export interface StoreOptions {
  /** Conversation lifetime after the last write, in seconds (fractions allowed, for tests). Default 3600. */
  ttlSeconds?: number;
  /** How often polling backends (libSQL, Upstash) look for changes, in ms. Default 500. */
  pollIntervalMs?: number;
  /** Background failures (polling, reconnects); the store keeps going. */
  onError?: (error: unknown) => void;
  /** Tries of an atomic update before it gives up with `ConversationConflictError`. Default 25. */
  updateAttempts?: number;
}

export const DEFAULT_TTL_SECONDS = 3600;
export const DEFAULT_POLL_INTERVAL_MS = 500;
export const DEFAULT_UPDATE_ATTEMPTS = 25;
