// Runtime-neutral: deciding a GET /desktop/vnc WebSocket handshake before upgrading.
import { z } from "zod";
import { matchesAnyToken, presentedToken } from "../../http/auth";
import { HttpError } from "../../http/errors";
import type { Admission, VncRelay } from "./relay";

export const VNC_PATH = "/desktop/vnc";

export type VncHandshakeVerdict =
  | { ok: true; admission: Admission }
  | { ok: false; status: number; contentType: string; body: string; headers?: Record<string, string> };

const Query = z.object({
  taskId: z
    .string()
    .regex(/^[0-9a-f-]{36}$/i, "taskId must be a UUID as returned by POST /tasks")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

const json = (status: number, error: string, headers?: Record<string, string>): VncHandshakeVerdict => ({
  ok: false,
  status,
  contentType: "application/json",
  body: JSON.stringify({ success: false, error }),
  ...(headers ? { headers } : {}),
});

/**
 * The bearer token (header, or `?token=` since browsers cannot set headers on a WebSocket
 * handshake) when RUNNER_API_TOKENS is set; then `taskId` (optional: without it, or for a task
 * not under USER control, the viewer only watches); then a place among the viewers and a VNC
 * server to relay to. Refusals are plain HTTP answers with our error envelope (401, 400, 404, 503).
 *
 * @example
 * const verdict = await checkVncHandshake({ url, authorization, tokens, relay });
 * if (!verdict.ok) return refuse(verdict.status, verdict.body);
 */
export async function checkVncHandshake(input: {
  url: URL;
  authorization?: string | null | undefined;
  tokens: readonly string[];
  relay: VncRelay | undefined;
}): Promise<VncHandshakeVerdict> {
  const { url, tokens, relay } = input;
  if (tokens.length > 0) {
    const token = presentedToken(input.authorization, url.searchParams.get("token"));
    if (!token || !(await matchesAnyToken(token, tokens))) {
      return json(401, "Unauthorized", { "WWW-Authenticate": 'Bearer realm="cursor-runner"' });
    }
  }
  const query = Query.safeParse({ taskId: url.searchParams.get("taskId") ?? undefined });
  if (!query.success) return json(400, query.error.issues[0]?.message ?? "Invalid query");
  if (!relay) return json(503, "The live desktop view is not available on this runtime");
  try {
    return { ok: true, admission: await relay.admit({ taskId: query.data.taskId }) };
  } catch (error) {
    if (error instanceof HttpError) return json(error.status, error.message);
    throw error;
  }
}
