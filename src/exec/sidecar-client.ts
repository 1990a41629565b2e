// Runtime-neutral: the sidecar's HTTP API as plain fetch calls (no node:* imports; runs on Workers).
import type { CliStatus } from "../agents/cli";
import type { CreatedProcess, CreateProcessBody, ProcessStatus, ReapedRun, StreamEvent } from "../sidecar/protocol";
import type { SettleReason } from "./types";

/** The sidecar answered, but not with success: `status` and its `{error}` message. */
export class SidecarRefusal extends Error {
  override name = "SidecarRefusal";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SidecarClientOptions {
  /** Base URL, e.g. http://sidecar:3002 */
  url: string;
  token: string;
  fetch?: typeof fetch;
}

/**
 * Typed calls to the sidecar. Network failures reject with the fetch error; a non-2xx answer
 * rejects with SidecarRefusal carrying the sidecar's message. The token goes only in the
 * Authorization header, never in a URL.
 *
 * @example
 * const api = createSidecarClient({ url: "http://127.0.0.1:3002", token });
 * const { id } = await api.create(spec);
 * for await (const event of api.stream(id, { stdout: 0, stderr: 0 })) console.log(event);
 */
export function createSidecarClient(options: SidecarClientOptions) {
  const base = options.url.replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${options.token}`);
    if (init.body !== undefined) headers.set("Content-Type", "application/json");
    const res = await doFetch(`${base}${path}`, { ...init, headers });
    if (res.ok) return res;
    const body = (await res.json().catch(() => ({}))) as { error?: unknown };
    const message = typeof body.error === "string" ? body.error : `HTTP ${res.status}`;
    throw new SidecarRefusal(res.status, message);
  };

  const json = async <T>(path: string, init?: RequestInit) => (await (await call(path, init)).json()) as T;

  return {
    base,
    create: (body: CreateProcessBody) => json<CreatedProcess>("/v1/processes", { method: "POST", body: JSON.stringify(body) }),

    /** Whether `command` is installed on the sidecar (GET /v1/which). */
    which: (command: string) => json<CliStatus>(`/v1/which?command=${encodeURIComponent(command)}`),

    status: (id: string) => json<ProcessStatus>(`/v1/processes/${encodeURIComponent(id)}`),

    stop: (id: string, reason: SettleReason, message?: string) =>
      json<ProcessStatus>(`/v1/processes/${encodeURIComponent(id)}/stop`, {
        method: "POST",
        body: JSON.stringify({ reason, ...(message === undefined ? {} : { message }) }),
      }),

    /** Ends the processes of run `runId` (a runner that died); `pid` helps find one the sidecar no longer tracks. */
    reap: (runId: string, pid?: number) =>
      json<ReapedRun>("/v1/orphans/reap", {
        method: "POST",
        body: JSON.stringify({ runId, ...(pid === undefined ? {} : { pid }) }),
      }),

    /** The process's events from the given output offsets on, until its result (or the connection drops). */
    async *stream(id: string, seen: { stdout: number; stderr: number }): AsyncGenerator<StreamEvent> {
      const query = `stdout=${seen.stdout}&stderr=${seen.stderr}`;
      const res = await call(`/v1/processes/${encodeURIComponent(id)}/stream?${query}`, {
        headers: { Accept: "application/x-ndjson" },
      });
      if (!res.body) return;
      yield* ndjsonLines(res.body);
    },
  };
}

export type SidecarClient = ReturnType<typeof createSidecarClient>;

/** Parses an NDJSON body line by line; a partial last line (a dropped connection) is discarded. */
async function* ndjsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) yield JSON.parse(line) as StreamEvent;
        newline = buffered.indexOf("\n");
      }
    }
  } finally {
    // Leaving early (result seen, or an error) must release the connection.
    reader.cancel().catch(() => {});
  }
}
