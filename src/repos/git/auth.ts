import type { AuthCallback, AuthFailureCallback } from "isomorphic-git";
import type { CredentialLookup, GitAuth } from "./credentials";

/** isomorphic-git auth callbacks for one operation, remembering which credential was offered. */
export interface AuthSession {
  onAuth: AuthCallback;
  onAuthFailure: AuthFailureCallback;
  /** "table:<name>", "env", "url" or undefined when nothing was offered. */
  readonly source: string | undefined;
}

/**
 * Credentials are looked up only when the server asks (a 401), and offered once: a second 401
 * ends the operation instead of retrying forever.
 *
 * @example
 * const session = authSession(lookup, "https://example.com/org/app.git", "app");
 * await git.clone({ fs, http, dir, url, onAuth: session.onAuth, onAuthFailure: session.onAuthFailure });
 */
export function authSession(lookup: CredentialLookup, url: string, repositoryName?: string, urlAuth?: GitAuth): AuthSession {
  let source: string | undefined;
  return {
    onAuth: async () => {
      if (urlAuth) {
        source = "url";
        return { ...urlAuth };
      }
      const found = await lookup.find(url, repositoryName);
      source = found?.source;
      return found ? { ...found.auth } : undefined;
    },
    onAuthFailure: () => undefined,
    get source() {
      return source;
    },
  };
}
