import { matchesAnyToken, presentedToken } from "../http/auth";
import { type ConversationFamily, familyForPath, TASK_WS_PATH } from "./topics";

export type HandshakeVerdict =
  | { ok: true; family: ConversationFamily; conversationId: string }
  /** `/tasks/ws`: one task's changes, or (taskId null) every task's. */
  | { ok: true; family: "task"; taskId: string | null }
  | { ok: false; status: 400 | 401 | 404; contentType: string; body: string; headers?: Record<string, string> };

const refuse = (status: 400 | 404, body: string): HandshakeVerdict => ({
  ok: false,
  status,
  contentType: "text/plain; charset=utf-8",
  body,
});

/**
 * Decides a WebSocket handshake before upgrading: the bearer token (header, or `?token=` since
 * browsers cannot set headers on a handshake) when RUNNER_API_TOKENS is set, then the original's
 * checks in its order — `conversationId` (alias `id`) before the path (§2.5).
 *
 * @example
 * const verdict = await checkHandshake({ url: new URL(req.url, "http://x"), authorization, tokens });
 * if (!verdict.ok) reply(verdict.status, verdict.body);
 */
export async function checkHandshake(input: {
  url: URL;
  authorization?: string | null | undefined;
  tokens: readonly string[];
}): Promise<HandshakeVerdict> {
  const { url, tokens } = input;
  if (tokens.length > 0) {
    const token = presentedToken(input.authorization, url.searchParams.get("token"));
    if (!token || !(await matchesAnyToken(token, tokens))) {
      return {
        ok: false,
        status: 401,
        contentType: "application/json",
        body: JSON.stringify({ success: false, error: "Unauthorized" }),
        headers: { "WWW-Authenticate": 'Bearer realm="cursor-runner"' },
      };
    }
  }
  if (url.pathname === TASK_WS_PATH) {
    const taskId = url.searchParams.get("taskId");
    if (taskId && !/^[0-9a-f-]{36}$/i.test(taskId)) return refuse(400, "taskId must be a UUID as returned by POST /tasks");
    return { ok: true, family: "task", taskId: taskId || null };
  }
  const conversationId = url.searchParams.get("conversationId") || url.searchParams.get("id");
  if (!conversationId) return refuse(400, "Missing conversationId");
  const family = familyForPath(url.pathname);
  if (!family) return refuse(404, "Not Found");
  return { ok: true, family, conversationId };
}
