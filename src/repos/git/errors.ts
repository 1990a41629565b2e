import { Errors } from "isomorphic-git";
import { HttpError } from "../../http/errors";

export interface GitErrorContext {
  /** e.g. "git clone". */
  operation: string;
  repository?: string;
  /** The remote, without credentials. */
  url?: string;
  /** Which credential was offered, if any. */
  credentialSource?: string;
}

/**
 * Maps isomorphic-git's errors to HttpErrors a person can act on: 401 for rejected or missing
 * credentials, 404 for unknown remotes and refs, 409 for conflicts, 502/504 for the network.
 * Anything unrecognised is returned unchanged (and becomes a plain 500).
 *
 * @example
 * try { await git.push(...) } catch (error) { throw toHttpError(error, { operation: "git push", url }) }
 */
export function toHttpError(error: unknown, context: GitErrorContext): unknown {
  if (error instanceof HttpError) return error;
  const e = error as { code?: string; name?: string; message?: string; data?: Record<string, unknown> };
  const where = context.url ?? (context.repository ? `repository '${context.repository}'` : "the remote");
  const code = e.code ?? e.name;
  const options = { cause: error };
  switch (code) {
    case Errors.HttpError.code: {
      const status = Number(e.data?.statusCode);
      if (status === 401 || status === 403) return authError(context, where, options);
      if (status === 404) return new HttpError(404, `Remote repository not found: ${where}`, options);
      return new HttpError(502, `${context.operation} failed: ${where} answered HTTP ${status}`, options);
    }
    case Errors.UserCanceledError.code:
      return authError(context, where, options);
    case Errors.NotFoundError.code:
      return new HttpError(404, `${context.operation} failed: ${e.message ?? "not found"}`, options);
    case Errors.CheckoutConflictError.code: {
      const files = (e.data?.filepaths as string[] | undefined) ?? [];
      return new HttpError(
        409,
        `Checkout would overwrite local changes to ${files.slice(0, 10).join(", ")}: commit or discard them first`,
        options,
      );
    }
    case Errors.MergeConflictError.code:
    case Errors.MergeNotSupportedError.code:
    case Errors.FastForwardError.code:
      return new HttpError(
        409,
        `${context.operation} failed: the branches have diverged and cannot be merged automatically`,
        options,
      );
    case Errors.PushRejectedError.code:
    case Errors.GitPushError.code:
      return new HttpError(409, `Push rejected by ${where}: the remote has commits the local branch lacks; pull first`, options);
    case Errors.AlreadyExistsError.code:
      return new HttpError(409, `${context.operation} failed: ${e.message ?? "already exists"}`, options);
    case Errors.InvalidRefNameError.code:
      return new HttpError(400, `${context.operation} failed: ${e.message ?? "invalid ref name"}`, options);
    case Errors.UnmergedPathsError.code:
      return new HttpError(409, `${context.operation} failed: the repository has unmerged files; resolve them first`, options);
    case Errors.SmartHttpError.code:
      return new HttpError(502, `${where} is not a git smart-HTTP server`, options);
    case "AbortError":
      return new HttpError(504, `${context.operation} was cut off by GIT_COMMAND_TIMEOUT`, options);
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    const reason = (error.cause as { code?: string } | undefined)?.code ?? "network error";
    return new HttpError(502, `Could not reach ${where} (${reason})`, options);
  }
  return error;
}

function authError(context: GitErrorContext, where: string, options: { cause: unknown }): HttpError {
  if (!context.credentialSource) {
    return new HttpError(
      401,
      `Git authentication required for ${where}: no credentials configured (add an active git_credentials row for this URL or repository, or set GITHUB_TOKEN with GIT_USERNAME)`,
      options,
    );
  }
  return new HttpError(
    401,
    `Git authentication failed for ${where}: the server rejected the credentials from ${describeSource(context.credentialSource)}`,
    options,
  );
}

function describeSource(source: string): string {
  if (source === "env") return "the environment (GITHUB_TOKEN/GITHUB_PAT/GIT_TOKEN)";
  if (source === "url") return "the URL";
  return `git_credentials row '${source.slice("table:".length)}'`;
}
