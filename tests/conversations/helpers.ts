import type { AgentConversation, Conversation, ConversationChange } from "../../src/conversations/types";

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until the clock has moved on, so consecutive writes get distinct times. */
export async function nextMillisecond(): Promise<void> {
  const start = Date.now();
  while (Date.now() === start) await new Promise((resolve) => setTimeout(resolve, 1));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function conversation(id: string, overrides: Partial<Conversation> = {}): Conversation {
  const at = new Date().toISOString();
  return { conversationId: id, messages: [], createdAt: at, lastAccessedAt: at, ...overrides };
}

export function agentConversation(id: string, overrides: Partial<AgentConversation> = {}): AgentConversation {
  const at = new Date().toISOString();
  return {
    conversationId: id,
    messages: [],
    createdAt: at,
    lastAccessedAt: at,
    title: `Agent Conversation ${id.slice(0, 8)}`,
    status: "active",
    ...overrides,
  };
}

/** Collects changes for one conversation id. */
export function collector() {
  const changes: ConversationChange[] = [];
  return {
    changes,
    listener: (change: ConversationChange) => {
      changes.push(change);
    },
    waitFor: (predicate: (change: ConversationChange) => boolean, what = "change") =>
      waitFor(() => changes.find(predicate), 10_000, what),
  };
}
