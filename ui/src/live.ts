/**
 * Follows the server's WebSockets: a conversation (`/api/ws?conversationId=…`) and the task engine
 * (`/tasks/ws?taskId=…`, or every task without `taskId`). Browsers cannot set headers on the
 * handshake, so the token travels as `?token=` here and only here. The first frame is the snapshot
 * (or `tasks.subscribed`), then one frame per change; a dropped socket reconnects with backoff,
 * after checking the token (a refused handshake looks like any other close to the page).
 */
import { api, token } from "./api";
import type { StreamState } from "./sse";
import type { Conversation, TaskFrame } from "./types";

export interface ConversationFrame {
  type: string;
  conversationId?: string;
  conversation?: Conversation;
  error?: string;
}

export interface SocketOptions<Frame> {
  onFrame(frame: Frame): void;
  onState(state: StreamState, detail?: string): void;
}

/** `ws(s)://<this host><path>?<params>&token=…` (the token only when one is stored). */
export function socketUrl(path: string, params: Record<string, string> = {}): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const search = new URLSearchParams(params);
  const stored = token.get();
  if (stored) search.set("token", stored);
  const text = search.toString();
  return `${scheme}//${location.host}${path}${text ? `?${text}` : ""}`;
}

export const conversationSocketUrl = (conversationId: string) => socketUrl("/api/ws", { conversationId });

/**
 * Opens `url()` and keeps it open until the returned function is called: JSON frames to `onFrame`,
 * connection state to `onState` ("connecting", "live", "reconnecting", "failed").
 */
function followSocket<Frame>(url: () => string, options: SocketOptions<Frame>): () => void {
  let stopped = false;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = 1000;

  const retry = () => {
    timer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 10_000);
  };

  function connect() {
    if (stopped) return;
    options.onState(socket ? "reconnecting" : "connecting");
    const ws = new WebSocket(url());
    socket = ws;
    ws.onopen = () => {
      delay = 1000;
      options.onState("live");
    };
    ws.onmessage = (message) => {
      try {
        options.onFrame(JSON.parse(String(message.data)) as Frame);
      } catch {
        // not a frame of ours
      }
    };
    ws.onclose = () => {
      if (stopped) return;
      options.onState("reconnecting");
      // A refused token shows the login prompt (the API client's 401 handler) instead of looping.
      api.queueHealth().then(retry, (error: { unauthorized?: boolean }) => {
        if (error.unauthorized) return options.onState("failed", "Your token was refused");
        retry();
      });
    };
  }
  connect();

  return () => {
    stopped = true;
    clearTimeout(timer);
    const ws = socket;
    if (!ws) return;
    // Closing during the handshake makes the browser log an error: let it open, then close it.
    if (ws.readyState === WebSocket.CONNECTING) {
      ws.onopen = () => ws.close(1000, "left the page");
      ws.onmessage = null;
    } else ws.close(1000, "left the page");
  };
}

/**
 * @example
 * const stop = followConversation(id, { onFrame: (frame) => …, onState: (state) => … });
 */
export function followConversation(conversationId: string, options: SocketOptions<ConversationFrame>): () => void {
  return followSocket(() => conversationSocketUrl(conversationId), options);
}

/**
 * One task's frames (`task.snapshot`, then `task.updated` / `task.message` / `task.deleted`), or,
 * with `taskId` null, every task's (`tasks.subscribed`, then `task.created` and the rest). The first
 * frame after every (re)connect is the snapshot or `tasks.subscribed`: a follower that was cut off
 * re-reads what it may have missed then.
 *
 * @example
 * const stop = followTasks(null, { onFrame: (frame) => …, onState: (state) => … });
 */
export function followTasks(taskId: string | null, options: SocketOptions<TaskFrame>): () => void {
  return followSocket(() => socketUrl("/tasks/ws", taskId ? { taskId } : {}), options);
}
