// The parts of Bun's own API this project uses (instead of pulling in @types/bun): `Bun.serve`, its
// server and its server-side WebSockets. Only src/bun/ imports "bun"; it exists only under Bun.

declare module "bun" {
  /** A server-side WebSocket (uWebSockets underneath). `data` is what `server.upgrade` was given. */
  export interface ServerWebSocket<T = undefined> {
    readonly data: T;
    /** 0 connecting, 1 open, 2 closing, 3 closed. */
    readonly readyState: 0 | 1 | 2 | 3;
    /** Bytes sent, -1 when queued behind backpressure, 0 when dropped (the queue passed `backpressureLimit`). */
    send(data: string | ArrayBufferView | ArrayBuffer, compress?: boolean): number;
    ping(data?: string | ArrayBufferView | ArrayBuffer): number;
    /** A close handshake (close frame, then the socket). */
    close(code?: number, reason?: string): void;
    /** Ends the connection at once, without a close frame. */
    terminate(): void;
    /** Bytes queued in user space, not yet written to the socket. */
    getBufferedAmount(): number;
  }

  export interface WebSocketHandler<T = undefined> {
    open?(ws: ServerWebSocket<T>): void | Promise<void>;
    message(ws: ServerWebSocket<T>, message: string | Buffer): void | Promise<void>;
    close?(ws: ServerWebSocket<T>, code: number, reason: string): void | Promise<void>;
    pong?(ws: ServerWebSocket<T>, data: Buffer): void | Promise<void>;
    drain?(ws: ServerWebSocket<T>): void | Promise<void>;
    /** Largest incoming message; a bigger one closes the connection (1009). Default 16 MiB. */
    maxPayloadLength?: number;
    /** Bytes queued per socket before `send` starts dropping messages (returns 0). Default 16 MiB. */
    backpressureLimit?: number;
    /** Close instead of dropping at `backpressureLimit`. Default false. */
    closeOnBackpressureLimit?: boolean;
    /** Seconds without a message before Bun closes the socket; 0 disables it. Default 120. */
    idleTimeout?: number;
    /** Whether Bun itself pings idle sockets. Default true. */
    sendPings?: boolean;
  }

  export interface Server {
    readonly port: number;
    readonly hostname: string;
    readonly pendingRequests: number;
    readonly pendingWebSockets: number;
    /**
     * Stops listening. Resolves once in-flight requests (and WebSockets) are done; with `true`
     * active connections are closed at once.
     */
    stop(closeActiveConnections?: boolean): Promise<void>;
    /** Upgrades the request to a WebSocket; false when it is not a valid WebSocket handshake. */
    upgrade<T>(request: Request, options?: { data?: T; headers?: HeadersInit }): boolean;
  }

  export interface ServeOptions<T = unknown> {
    port?: number;
    hostname?: string;
    /** Seconds a connection may be idle (in-flight requests included) before Bun closes it; 0 disables. Default 10. */
    idleTimeout?: number;
    /** Default 128 MiB. */
    maxRequestBodySize?: number;
    fetch(request: Request, server: Server): Response | undefined | Promise<Response | undefined>;
    websocket?: WebSocketHandler<T>;
    error?(error: Error): Response | Promise<Response>;
  }

  /** Starts listening at once (throws when the port is taken). */
  export function serve<T>(options: ServeOptions<T>): Server;
}
