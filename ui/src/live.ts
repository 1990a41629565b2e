/**
 * Follows a conversation over the WebSocket (`/api/ws?conversationId=…`). Browsers cannot set
 * headers on the handshake, so the token travels as `?token=` here and only here. The first frame
 * is the snapshot, then one frame per change; a dropped socket reconnects with backoff, after
 * checking the token (a refused handshake looks like any other close to the page).
 */
import { api, token } from "./api";
import type { StreamState } from "./sse";
import type { Conversation } from "./types";

export interface ConversationFrame {
  type: string;
  conversationId?: string;
  conversation?: Conversation;
  error?: string;
}

export function conversationSocketUrl(conversationId: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const params = new URLSearchParams({ conversationId });
  const stored = token.get();
  if (stored) params.set("token", stored);
  return `${scheme}//${location.host}/api/ws?${params}`;
}

/**
 * @example
 * const stop = followConversation(id, { onFrame: (frame) => …, onState: (state) => … });
 */
export function followConversation(
  conversationId: string,
  options: { onFrame(frame: ConversationFrame): void; onState(state: StreamState, detail?: string): void },
): () => void {
  let stopped = false;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = 1000;

  const connect = () => {
    if (stopped) return;
    options.onState(socket ? "reconnecting" : "connecting");
    const ws = new WebSocket(conversationSocketUrl(conversationId));
    socket = ws;
    ws.onopen = () => {
      delay = 1000;
      options.onState("live");
    };
    ws.onmessage = (message) => {
      try {
        options.onFrame(JSON.parse(String(message.data)) as ConversationFrame);
      } catch {
        // not a frame of ours
      }
    };
    ws.onclose = () => {
      if (stopped) return;
      options.onState("reconnecting");
      // A refused token shows the login prompt (the API client's 401 handler) instead of looping.
      api.queueHealth().then(
        () => {
          timer = setTimeout(connect, delay);
          delay = Math.min(delay * 2, 10_000);
        },
        (error: { unauthorized?: boolean }) => {
          if (error.unauthorized) return options.onState("failed", "Your token was refused");
          timer = setTimeout(connect, delay);
          delay = Math.min(delay * 2, 10_000);
        },
      );
    };
  };
  connect();

  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close(1000, "left the page");
  };
}
