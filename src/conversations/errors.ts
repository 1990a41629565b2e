/**
 * The conversation layer's errors. `StoreUnavailableError` is the one callers branch on: the backend
 * could not be reached (down, restarting, timing out) — unlike a bug or a bad record, it is worth a
 * retry later and maps to 503 at the HTTP edge.
 */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
  readonly backend: string;

  constructor(backend: string, cause?: unknown) {
    super(`Conversation storage (${backend}) is unavailable`, { cause });
    this.backend = backend;
  }
}

export const isStoreUnavailable = (error: unknown): error is StoreUnavailableError => error instanceof StoreUnavailableError;

/** §7: a note-taking conversation that does not exist (or has expired). */
export class ConversationNotFoundError extends Error {
  override name = "ConversationNotFoundError";
  constructor(readonly conversationId: string) {
    super(`Conversation ${conversationId} not found`);
  }
}

/** §8: the message text is the original's, which the agent routes return verbatim. */
export class AgentConversationNotFoundError extends Error {
  override name = "AgentConversationNotFoundError";
  constructor(readonly conversationId: string) {
    super(`Agent conversation ${conversationId} not found`);
  }
}

/**
 * An atomic update (`updateConversation` / `updateAgentConversation`) kept losing the race: other
 * writers changed the conversation between each read and write, for every attempt it had. Nothing
 * was written; like an outage it is worth a retry later (503 at the HTTP edge).
 */
export class ConversationConflictError extends Error {
  override name = "ConversationConflictError";
  constructor(
    readonly conversationId: string,
    readonly attempts: number,
  ) {
    super(`Conversation ${conversationId} kept changing under concurrent writers; gave up after ${attempts} attempts`);
  }
}
