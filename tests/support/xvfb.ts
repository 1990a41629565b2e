// Node-only (test support): a private X display per test file, and X clients on it that are stopped with it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { type RunningDisplay, startDisplay } from "../../src/node/xvfb";

export interface TestDisplay extends RunningDisplay {
  /** Starts an X client on this display (stopped by `stop()` if still running). */
  client(command: string, args: string[], env?: Record<string, string>): XClient;
  /** Runs an X tool to completion on this display; its stdout. Rejects on a non-zero exit. */
  run(command: string, args: string[], options?: { input?: string }): Promise<string>;
}

export interface XClient {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts Xvfb on the first free display from :50 (other suites, and other people's, run displays
 * concurrently), with openbox when `windowManager` is set. Stop it in afterAll.
 *
 * @example
 * let x: TestDisplay;
 * beforeAll(async () => { x = await startTestDisplay({ windowManager: true }); });
 * afterAll(() => x.stop());
 */
export async function startTestDisplay(
  options: { windowManager?: boolean; width?: number; height?: number } = {},
): Promise<TestDisplay> {
  const display = await startDisplay({ scanFrom: 50, ...options });
  const clients = new Set<XClient>();
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, DISPLAY: display.display, ...extra });

  const client = (command: string, args: string[], extra?: Record<string, string>): XClient => {
    const child = spawn(command, args, { env: env(extra), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const handle: XClient = {
      child,
      output: () => output,
      stop: async () => {
        clients.delete(handle);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
      },
    };
    clients.add(handle);
    return handle;
  };

  const run = (command: string, args: string[], options: { input?: string } = {}) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(
        command,
        args,
        { env: env(), timeout: 10_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${command} ${args.join(" ")} failed: ${stderr || error.message}`)) : resolve(stdout),
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
    });

  return {
    ...display,
    client,
    run,
    stop: async () => {
      await Promise.all([...clients].map((c) => c.stop()));
      await display.stop();
    },
  };
}
