import type { Logger } from "../log";

/** What the hub needs of a connected socket; the Node attachment wraps a `ws` WebSocket. */
export interface RealtimeSocket {
  send(text: string): void;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Ends the connection at once (a close handshake would queue behind the backlog). */
  terminate(): void;
}

interface Client {
  socket: RealtimeSocket;
  topic: string;
  /** Frames that arrived before the snapshot went out; sent right after it, in order. */
  pending: string[] | null;
}

/**
 * The hub's bookkeeping of sockets: which topic each follows, the snapshot-first ordering (frames
 * that arrive before a socket's snapshot are held and sent right after it), and dropping a socket
 * that cannot keep up — never the server.
 */
export function createConnections(options: { log: Pick<Logger, "debug" | "warn">; maxBufferedBytes: number }) {
  const { log } = options;
  const topics = new Map<string, Set<Client>>();
  const clients = new Map<RealtimeSocket, Client>();
  let closed = false;

  const remove = (client: Client) => {
    clients.delete(client.socket);
    const set = topics.get(client.topic);
    set?.delete(client);
    if (set?.size === 0) topics.delete(client.topic);
  };

  /** Sends, or drops the socket when it is already too far behind. */
  const send = (client: Client, frame: string) => {
    if (client.socket.bufferedAmount > options.maxBufferedBytes) {
      log.warn(
        { topic: client.topic, bufferedBytes: client.socket.bufferedAmount, limit: options.maxBufferedBytes },
        "Dropped a slow WebSocket client",
      );
      remove(client);
      client.socket.terminate();
      return;
    }
    try {
      client.socket.send(frame);
    } catch (error) {
      log.debug({ err: error, topic: client.topic }, "WebSocket send failed; dropping the client");
      remove(client);
      client.socket.terminate();
    }
  };

  /** Sends a frame to every socket on `topic` (held back for those still waiting for their snapshot). */
  const deliver = (topic: string, frame: string) => {
    for (const client of topics.get(topic) ?? []) {
      if (client.pending) client.pending.push(frame);
      else send(client, frame);
    }
  };

  /** Registers a socket under `topic`, sends `snapshot()`'s frame, then what arrived meanwhile. */
  const register = async (socket: RealtimeSocket, topic: string, ready: () => Promise<void>, snapshot: () => Promise<string>) => {
    if (closed) return socket.terminate();
    const client: Client = { socket, topic, pending: [] };
    clients.set(socket, client);
    const set = topics.get(topic) ?? new Set<Client>();
    topics.set(topic, set);
    set.add(client);
    await ready();
    const frame = await snapshot();
    if (!clients.has(socket)) return; // closed while the snapshot was read
    const held = client.pending ?? [];
    client.pending = null;
    for (const each of [frame, ...held]) {
      if (!clients.has(socket)) break;
      send(client, each);
    }
  };

  return {
    topics,
    clients,
    deliver,
    register,
    /** Forgets the socket (on close or error). */
    disconnect(socket: RealtimeSocket): void {
      const client = clients.get(socket);
      if (client) remove(client);
    },
    /** Refuses new sockets and forgets every one (the caller closes them). */
    close(): void {
      closed = true;
      clients.clear();
      topics.clear();
    },
  };
}
