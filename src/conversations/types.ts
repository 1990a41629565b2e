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

  getAgentConversation(id: string): Promise<AgentConversation | null>;
  saveAgentConversation(conversation: AgentConversation, options?: AgentSaveOptions): Promise<void>;
  deleteAgentConversation(id: string): Promise<boolean>;
  listAgentConversations(options?: AgentListOptions): Promise<Page<AgentConversation>>;

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
}

export const DEFAULT_TTL_SECONDS = 3600;
export const DEFAULT_POLL_INTERVAL_MS = 500;
