// Node-only: keep-alive safety for answers sent before the request body was read.
import type { Http2Bindings, HttpBindings } from "@hono/node-server";

type Incoming = (HttpBindings | Http2Bindings)["incoming"];
type Fetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

/**
 * Wraps the app's fetch so an answer sent before its request body was read to the end (413 from
 * the body limit, 415, 401 on a large body …) says `Connection: close`: Node then closes the
 * socket cleanly after the answer, and a keep-alive client opens a new one for its next request
 * instead of writing it after the unread (or half-read) body. Draining instead would have no bound.
 */
export function closeOnUnreadBody(fetch: Fetch): Fetch {
  return async (request, env) => {
    const response = await fetch(request, env);
    const incoming = env.incoming;
    if (!incoming || incoming.complete || !hasBody(incoming)) return response;
    try {
      response.headers.set("Connection", "close");
      return response;
    } catch {
      // Immutable headers (a Response made by fetch or Response.redirect): copy it.
      const headers = new Headers(response.headers);
      headers.set("Connection", "close");
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
  };
}

const hasBody = (incoming: Incoming) =>
  incoming.headers["transfer-encoding"] !== undefined || Number(incoming.headers["content-length"] ?? 0) > 0;
