import type { Deps } from "../deps";
import { HttpError } from "../http/errors";
import { type ExecuteBody, queueTypeFor, requestIdFor, splitCallbackUrl } from "./execute-request";
import type { StartRun } from "./service";
import type { RunMode } from "./types";

/**
 * Turns a validated execute body into a run to start: the requested agent's CLI (default
 * DEFAULT_AGENT) must be installed (503 otherwise), and the repository must resolve inside REPOSITORIES_PATH (400) and exist (404,
 * with the original's message).
 */
export async function prepareRun(
  deps: Deps,
  body: ExecuteBody,
  mode: RunMode,
  requestId: string = requestIdFor(body),
): Promise<StartRun> {
  const agent = body.agent ?? deps.config.agents.default;
  const cli = await deps.cliStatus(agent);
  if (!cli.available) {
    throw new HttpError(503, `Agent CLI unavailable: ${cli.error ?? `${cli.command} not found`}`, { extra: { requestId } });
  }
  const workspace = await deps.workspaces.resolve(body.repository, { allowRoot: true });
  if (!workspace.exists) {
    const message = workspace.name
      ? `Repository not found locally: ${body.repository}. Please ensure the repository exists in the repositories directory.`
      : `Repositories directory not found: ${workspace.path}`;
    throw new HttpError(404, message, { extra: { requestId } });
  }
  const callback = splitCallbackUrl(body.callbackUrl ?? body.callback_url);
  const queueType = queueTypeFor(body, requestId);
  // §5.1 step 4: the given conversation, else the queue's current one (falls back to a fresh id when storage is down).
  const conversationId = await deps.conversations.getConversationId(
    body.conversationId ?? body.conversation_id ?? undefined,
    queueType,
  );
  return {
    requestId,
    agent,
    model: body.model ?? null,
    mode,
    repository: body.repository ?? null,
    branch: body.branchName ?? null,
    createBranch: body.createBranch ?? false,
    cwd: workspace.path,
    prompt: body.prompt,
    conversationId,
    queueType,
    callbackUrl: callback.url,
    callbackSecret: callback.secret,
  };
}
