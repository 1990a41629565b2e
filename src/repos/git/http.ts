import type { GitHttpRequest, HttpClient } from "isomorphic-git";
import web from "isomorphic-git/http/web";

/**
 * isomorphic-git's fetch-based HTTP client with an AbortSignal attached to every request, since
 * clone/fetch/pull take no signal of their own. fetch exists on Node 20 and on Workers alike.
 *
 * @example
 * await git.clone({ fs, http: httpWithSignal(signal), dir, url });
 */
export function httpWithSignal(signal: AbortSignal): HttpClient {
  return {
    request: (request: GitHttpRequest) => web.request({ ...request, signal }),
  };
}
