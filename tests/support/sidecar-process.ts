import { type ServerProcess, startServerProcess } from "./server-process";

export const SIDECAR_TOKEN = "sidecar-test-token";

export interface SidecarProcess extends ServerProcess {
  token: string;
  /** GET with the sidecar token; the parsed JSON answer. */
  get: (path: string) => Promise<{ status: number; body: Record<string, any> }>;
  /** Pids of every process the sidecar knows (running or finished). */
  pids: () => Promise<number[]>;
}

/**
 * Starts the real sidecar (`npm run sidecar`) on 127.0.0.1 with `root` as SIDECAR_ROOT and a
 * known token, and waits until its /health answers. `port` restarts one where a previous one listened.
 *
 * @example
 * const sidecar = await startSidecarProcess(dir);
 * const executor = createSidecarExecutor({ url: sidecar.url, token: sidecar.token });
 */
export async function startSidecarProcess(
  root: string,
  env: Record<string, string> = {},
  options: { port?: number } = {},
): Promise<SidecarProcess> {
  const server = await startServerProcess(
    { SIDECAR_TOKEN, SIDECAR_ROOT: root, SIDECAR_HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
    { entry: "sidecar", ...options },
  );
  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${SIDECAR_TOKEN}` } });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const pids = async () => {
    const { body } = await get("/v1/processes");
    return (body.processes as { pid: number | null }[]).flatMap((p) => (p.pid === null ? [] : [p.pid]));
  };
  return { ...server, token: SIDECAR_TOKEN, get, pids };
}
