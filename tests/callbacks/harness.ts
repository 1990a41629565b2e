import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { Client } from "@libsql/client";
import { type Callbacks, createCallbacks } from "../../src/callbacks";
import { type Config, loadConfig } from "../../src/config";
import { createLogger, type Logger } from "../../src/log";
import { migrateUp, openNodeDatabase } from "../../src/node/database";

/** Tiny delays so retries happen at once; tests wait on conditions, never on the clock. */
export const FAST_ENV = { CALLBACK_RETRY_BASE_MS: "1", CALLBACK_RETRY_MAX_MS: "5", CALLBACK_POLL_MS: "10" };

export interface Instance {
  db: Client;
  config: Config;
  log: Logger;
  /** Every log line this instance wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Every log line as written, to search for leaked secrets. */
  rawLog: () => string;
  callbacks: Callbacks;
  close: () => void;
}

/**
 * One "process": its own libSQL connection to `dir/test.db`, config, captured log and callbacks.
 * Opening two on the same folder is two instances sharing one database.
 */
export async function openInstance(dir: string, env: Record<string, string> = {}): Promise<Instance> {
  const config = loadConfig({ DATABASE_URL: `file:${dir}/test.db`, LOG_LEVEL: "debug", ...FAST_ENV, ...env }, { cwd: dir });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(line);
      callback();
    },
  });
  const log = createLogger({ level: config.logLevel, destination });
  const db = await openNodeDatabase(config.database);
  await migrateUp(db);
  return {
    db,
    config,
    log,
    get logs() {
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    rawLog: () => lines.join("\n"),
    callbacks: createCallbacks({ db, config, log }),
    close: () => db.close(),
  };
}

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as it arrived. */
  body: string;
  /** The status this receiver answered with. */
  status: number;
}

export type Responder = (request: Omit<Received, "status">, index: number) => { status: number; body?: string } | "hang";

/** A real HTTP receiver on 127.0.0.1 that answers each request as `respond` says. */
export async function startReceiver(respond: Responder = () => ({ status: 200, body: "ok" })) {
  const received: Received[] = [];
  const hanging = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const answer = respond(request, received.length);
      if (answer === "hang") {
        received.push({ ...request, status: 0 });
        hanging.add(() => res.destroy());
        return;
      }
      received.push({ ...request, status: answer.status });
      res.writeHead(answer.status, { "Content-Type": "text/plain" }).end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    accepted: () => received.filter((r) => r.status >= 200 && r.status < 300),
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of hanging) end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`, with `what` in the message). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
