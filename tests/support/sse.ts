export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** Parses one SSE block ("field: value" lines); comment-only blocks (keep-alives) give undefined. */
function parseBlock(block: string): SseMessage | undefined {
  const message: SseMessage = { data: "" };
  let hasField = false;
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    hasField = true;
    if (field === "data") message.data = message.data ? `${message.data}\n${value}` : value;
    else if (field === "id") message.id = value;
    else if (field === "event") message.event = value;
  }
  return hasField ? message : undefined;
}

/**
 * Reads a whole SSE stream until the server closes it (or `untilEvent` arrives), as a real client
 * would over HTTP.
 */
export async function readSse(url: string, headers: Record<string, string> = {}, options: { untilEvent?: string } = {}) {
  const res = await fetch(url, { headers: { Accept: "text/event-stream", ...headers } });
  if (!res.ok || !res.body) throw new Error(`SSE request failed: ${res.status} ${await res.text()}`);
  const messages: SseMessage[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const message = parseBlock(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (message) messages.push(message);
      if (message && options.untilEvent && message.event === options.untilEvent) {
        await reader.cancel();
        return messages;
      }
      end = buffer.indexOf("\n\n");
    }
  }
  return messages;
}
