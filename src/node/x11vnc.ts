// Node-only: starts x11vnc on an X display for the live desktop view (node:child_process, node:fs, node:net).
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningVncServer, VncLauncher } from "../desktop/vnc/server";

/** A port free on 127.0.0.1 right now (x11vnc binds it a moment later; a lost race is retried). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 2_000;

/** Kills the process group (x11vnc may fork helpers). */
const killGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
};

async function startOnce(
  command: string,
  options: Parameters<VncLauncher>[0],
  env: Record<string, string | undefined>,
): Promise<RunningVncServer> {
  const port = await freePort();
  // The passwords reach x11vnc through a file only it and we can read, which it deletes as soon as
  // it has read it (`rm:`): never on a command line (ps shows those) and never left on disk.
  const dir = await mkdtemp(join(tmpdir(), "cursor-runner-vnc-"));
  const file = join(dir, "passwd");
  await writeFile(file, `${options.password}\n__BEGIN_VIEWONLY__\n${options.viewPassword}\n`, { mode: 0o600 });
  const args = [
    "-display",
    options.display,
    // Only the relay in this process connects; nothing else on the network can.
    "-localhost",
    "-noipv6",
    "-rfbport",
    String(port),
    "-passwdfile",
    `rm:${file}`,
    "-shared",
    "-forever",
    "-norc",
    // Keys typed in the browser map onto the display's keyboard layout (Xvfb's has gaps otherwise).
    "-xkb",
    "-quiet",
  ];
  const child = spawn(command, args, {
    env: { ...env, DISPLAY: options.display },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  // Should this process end without stopping it (an exit without shutdown, a test worker ending),
  // x11vnc goes with it rather than lingering on the display.
  const killOnExit = () => {
    if (child.pid) killGroup(child.pid, "SIGKILL");
  };
  process.once("exit", killOnExit);
  void exited.then(() => {
    process.off("exit", killOnExit);
    return rm(dir, { recursive: true, force: true });
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return exited;
    killGroup(child.pid, "SIGTERM");
    const force = setTimeout(() => killGroup(child.pid!, "SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(force);
  };

  // x11vnc prints PORT=<n> on stdout once it listens.
  await new Promise<void>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`x11vnc did not start listening within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/^PORT=\d+$/m.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        (error as NodeJS.ErrnoException).code === "ENOENT"
          ? new Error(`${command} is not installed (apt-get install -y x11vnc, or set X11VNC_PATH)`)
          : error,
      );
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const last = stderr.trim().split("\n").filter(Boolean).slice(-3).join(" / ");
      reject(new Error(`x11vnc exited (${signal ?? `code ${code}`}) before listening${last ? `: ${last}` : ""}`));
    });
  });
  child.stdout.resume();
  return { port, exited, stop };
}

/**
 * The Node launcher for src/desktop/vnc/server.ts: x11vnc on the display, on a free port of
 * 127.0.0.1, with the given full and view-only passwords, in its own process group (stopped with
 * SIGTERM, then SIGKILL). A port taken between choosing and binding it is retried.
 *
 * @example
 * const server = await x11vncLauncher({ command: "x11vnc", env: process.env })({ display: ":99", password, viewPassword });
 */
export function x11vncLauncher(options: { command: string; env: Record<string, string | undefined> }): VncLauncher {
  return async (launch) => {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await startOnce(options.command, launch, options.env);
      } catch (error) {
        lastError = error as Error;
        if (!/Address already in use|listening/i.test(lastError.message) || /not installed/.test(lastError.message)) break;
      }
    }
    throw lastError ?? new Error("x11vnc did not start");
  };
}
