/**
 * The API client: every call carries `Authorization: Bearer <token>` from sessionStorage (the
 * token is asked for once per browser session and never put in a URL, except on the WebSocket
 * handshake, where browsers cannot set headers). A 401 from the bearer check tells the shell to
 * ask for the token again.
 */
import type {
  Agent,
  CallbackDelivery,
  Conversation,
  DesktopViewStatus,
  FileNode,
  GitStatus,
  MessageGroup,
  Pagination,
  QueueHealth,
  RepositorySummary,
  Run,
  RunList,
  Setting,
  Task,
  TaskModelOption,
  TaskPage,
  TaskPriority,
  TaskWithFiles,
} from "./types";

const TOKEN_KEY = "cursor-runner.token";

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An API answer that was not 2xx, with the server's own sentence (`{success:false, error}`). */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    /** True when the bearer token was refused (not, say, a webhook secret). */
    readonly unauthorized = false,
  ) {
    super(message);
  }
}

let unauthorizedHandler: (() => void) | undefined;

/** The shell's reaction to a refused token (forget it, show the login prompt). */
export function onUnauthorized(handler: () => void) {
  unauthorizedHandler = handler;
}

export function authHeaders(candidate: string | null = token.get()): Record<string, string> {
  return candidate ? { Authorization: `Bearer ${candidate}` } : {};
}

/** The bearer check answers 401 with WWW-Authenticate; other 401s (webhook secret) do not. */
export const isBearerRefusal = (res: Response) => res.status === 401 && res.headers.has("WWW-Authenticate");

export async function errorFrom(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === "string" && body.error) message = body.error;
  } catch {
    // not JSON: keep the status line
  }
  const refused = isBearerRefusal(res);
  if (refused) unauthorizedHandler?.();
  return new ApiError(res.status, message, refused);
}

interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Check this token instead of the stored one (login); a refusal then does not log out. */
  token?: string | null;
}

/** Calls the API and returns its JSON; throws ApiError with the server's message otherwise. */
export async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  const candidate = options.token === undefined ? token.get() : options.token;
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? "GET",
      headers: {
        Accept: "application/json",
        ...authHeaders(candidate),
        ...(options.body === undefined ? {} : { "Content-Type": "application/json" }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "Cannot reach the server. Check that cursor-runner is running, then try again.");
  }
  if (!res.ok) {
    // Checking a candidate token (sign-in): a refusal is the answer, not a reason to sign out.
    if (options.token !== undefined && isBearerRefusal(res)) throw new ApiError(401, "Unauthorized", true);
    throw await errorFrom(res);
  }
  // 204 No Content (DELETE /tasks/:id): nothing to parse.
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
};

const segment = encodeURIComponent;

export const api = {
  queueHealth: (options: CallOptions = {}) => call<QueueHealth>("/health/queue", options),

  desktopStatus: (signal?: AbortSignal) => call<DesktopViewStatus>("/desktop/status", { signal }),
  /** The screen as a PNG (the live view's fallback); with a taskId the takeover guard applies. */
  screenshot: async (signal?: AbortSignal): Promise<Blob> => {
    let res: Response;
    try {
      res = await fetch("/computer-use/screenshot", { headers: { Accept: "image/png", ...authHeaders() }, signal });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw new ApiError(0, "Cannot reach the server. Check that cursor-runner is running, then try again.");
    }
    if (!res.ok) throw await errorFrom(res);
    return res.blob();
  },

  runs: (params: { limit?: number; offset?: number; status?: string; agent?: string }, signal?: AbortSignal) =>
    call<RunList>(`/runs${query(params)}`, { signal }),
  run: (id: string, signal?: AbortSignal) => call<Run>(`/runs/${segment(id)}`, { signal }),
  cancelRun: (id: string) => call<Run>(`/runs/${segment(id)}/cancel`, { method: "POST" }),
  startRun: (
    body: { prompt: string; repository?: string; agent?: string; model?: string; callbackUrl?: string },
    webhookSecret?: string,
  ) =>
    call<{ runId?: string; requestId: string }>("/cursor/execute/async", {
      method: "POST",
      body,
      headers: webhookSecret ? { "X-Webhook-Secret": webhookSecret } : {},
    }),

  deliveries: (runId: string, signal?: AbortSignal) =>
    call<{ deliveries: CallbackDelivery[] }>(`/api/callbacks${query({ runId })}`, { signal }),
  redeliver: (id: string) => call<{ delivery: CallbackDelivery }>(`/api/callbacks/${segment(id)}/redeliver`, { method: "POST" }),

  conversations: (params: { limit: number; offset: number }, signal?: AbortSignal) =>
    call<{ conversations: Conversation[]; pagination: Pagination }>(`/api/list${query(params)}`, { signal }),
  conversation: (id: string, signal?: AbortSignal) => call<Conversation>(`/api/${segment(id)}`, { signal }),
  newConversation: () => call<{ conversationId: string }>("/api/new", { method: "POST", body: { queueType: "api" } }),
  sendMessage: (id: string, body: { message: string; repository?: string; agent?: string }) =>
    call<{ runId: string; requestId: string }>(`/api/${segment(id)}/message`, { method: "POST", body }),

  repositories: (signal?: AbortSignal) => call<{ repositories: RepositorySummary[] }>("/git/repositories", { signal }),
  gitStatus: (name: string, signal?: AbortSignal) => call<GitStatus>(`/git/status/${segment(name)}`, { signal }),
  files: (name: string, signal?: AbortSignal) =>
    call<FileNode[]>(`/repositories/api/${segment(name)}/files${query({ maxDepth: 6 })}`, { signal }),

  settings: (signal?: AbortSignal) => call<Setting[]>("/api/settings", { signal }),
  putSetting: (name: string, value: 0 | 1) => call<Setting>(`/api/settings/${segment(name)}`, { method: "PUT", body: { value } }),
  agents: (signal?: AbortSignal) => call<{ agents: Agent[]; default: string }>("/agents", { signal }),

  tasks: (params: { page?: number; limit?: number; statuses?: string }, signal?: AbortSignal) =>
    call<TaskPage>(`/tasks${query(params)}`, { signal }),
  task: (id: string, signal?: AbortSignal) => call<TaskWithFiles>(`/tasks/${segment(id)}`, { signal }),
  createTask: (body: NewTask) => call<Task>("/tasks", { method: "POST", body }),
  processedMessages: (id: string, params: { page: number; limit: number }, signal?: AbortSignal) =>
    call<MessageGroup[]>(`/tasks/${segment(id)}/messages/processed${query(params)}`, { signal }),
  postTaskMessage: (id: string, message: string) =>
    call<Task>(`/tasks/${segment(id)}/messages`, { method: "POST", body: { message } }),
  taskAction: (id: string, action: TaskAction) => call<Task>(`/tasks/${segment(id)}/${action}`, { method: "POST" }),
  deleteTask: (id: string) => call<undefined>(`/tasks/${segment(id)}`, { method: "DELETE" }),
  taskModels: (signal?: AbortSignal) => call<TaskModelOption[]>("/tasks/models", { signal }),
};

/** The lifecycle operations of POST /tasks/:id/<action>. */
export type TaskAction = "takeover" | "resume" | "cancel" | "abort" | "process";

/** The body of POST /tasks, as the form sends it. */
export interface NewTask {
  description: string;
  kind?: "agent" | "desktop";
  model?: { provider: string; name: string; title: string; contextWindow?: number };
  repository?: string;
  branchName?: string;
  priority?: TaskPriority;
  type?: "IMMEDIATE" | "SCHEDULED";
  scheduledFor?: string;
  callbackUrl?: string;
  files?: { name: string; base64: string; type: string }[];
}
