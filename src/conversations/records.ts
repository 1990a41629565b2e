import type { AgentConversation, AgentListOptions, ChangeKind, Conversation, ConversationChange, PageOptions } from "./types";

/**
 * Record helpers shared by every backend: tolerant JSON decoding (records may have been written by
 * the original service), change events, and the paging/sorting rules of §8.
 */

const parseObject = (raw: unknown): Record<string, unknown> | null => {
  if (typeof raw !== "string") return null;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null; // an unparsable record is skipped, as the original did
  }
};

/** Decodes a stored conversation; the id comes from the key when the record lacks one. */
export function decodeConversation(raw: unknown, id: string): Conversation | null {
  const value = parseObject(raw);
  if (!value) return null;
  return {
    ...value,
    conversationId: typeof value.conversationId === "string" ? value.conversationId : id,
    messages: Array.isArray(value.messages) ? value.messages : [],
  } as Conversation;
}

/** Decodes a stored agent conversation, filling `conversationId` for legacy records (§8). */
export function decodeAgentConversation(raw: unknown, id: string): AgentConversation | null {
  const value = parseObject(raw);
  if (!value) return null;
  return {
    ...value,
    conversationId: typeof value.conversationId === "string" && value.conversationId ? value.conversationId : id,
    messages: Array.isArray(value.messages) ? value.messages : [],
  } as AgentConversation;
}

export function toChange(family: "conversation" | "agent_conversation", kind: ChangeKind, id: string): ConversationChange {
  return kind === "created"
    ? { type: `${family}.created`, conversationId: id, at: new Date().toISOString() }
    : { type: `${family}.updated`, conversationId: id, reason: kind, at: new Date().toISOString() };
}

/** Accepts only well-formed change events (anything can arrive on a shared channel). */
export function decodeChange(raw: unknown): ConversationChange | null {
  const value = typeof raw === "string" ? parseObject(raw) : (raw as Record<string, unknown> | null);
  if (!value || typeof value.type !== "string" || typeof value.conversationId !== "string") return null;
  if (!/^(agent_)?conversation\.(created|updated)$/.test(value.type)) return null;
  return value as unknown as ConversationChange;
}

export interface Window {
  offset: number;
  /** Undefined = to the end. */
  limit: number | undefined;
}

/** Normalises paging input; callers validate user input, this only guards against nonsense. */
export function pageWindow({ limit, offset }: PageOptions = {}): Window {
  const start = Number.isSafeInteger(offset) && (offset as number) > 0 ? (offset as number) : 0;
  const size = Number.isSafeInteger(limit) && (limit as number) >= 0 ? (limit as number) : undefined;
  return { offset: start, limit: size };
}

export const slice = <T>(items: T[], { offset, limit }: Window): T[] =>
  items.slice(offset, limit === undefined ? undefined : offset + limit);

const sortValue = (conversation: AgentConversation, sortBy: NonNullable<AgentListOptions["sortBy"]>): number => {
  if (sortBy === "messageCount") return conversation.messages?.length ?? 0;
  const time = Date.parse(conversation[sortBy]);
  return Number.isNaN(time) ? 0 : time;
};

/** §8 ordering; ties broken by id so pages are stable across calls and backends. */
export function sortAgentConversations(items: AgentConversation[], options: AgentListOptions = {}): AgentConversation[] {
  const sortBy = options.sortBy ?? "lastAccessedAt";
  const direction = options.sortOrder === "asc" ? 1 : -1;
  return [...items].sort((a, b) => {
    const diff = sortValue(a, sortBy) - sortValue(b, sortBy);
    if (diff !== 0) return diff * direction;
    return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
  });
}

export const ttlMs = (ttlSeconds: number | undefined, fallback: number): number => {
  const seconds = ttlSeconds ?? fallback;
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError(`ttlSeconds must be a positive number, got ${seconds}`);
  return Math.max(1, Math.round(seconds * 1000));
};
