// Node-only: checks the target app on disk and runs its tests as a child process.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { HttpError } from "../http/errors";
import { createTerminal } from "./terminal";
import { extractTestResults, type TestResults } from "./test-results";

export type TargetAppType = "rails" | "node";

export interface TargetAppOptions {
  /** TARGET_APP_PATH (default "../cursor", as the original). */
  path?: string;
  type: TargetAppType;
  /** TARGET_APP_TIMEOUT. */
  timeoutMs: number;
  /** Cap per stream (the original had none; TERMINAL_MAX_OUTPUT_SIZE is a sensible value). */
  maxOutputBytes: number;
  /** Environment for the test command (default: this process's). */
  env?: Record<string, string | undefined>;
}

export interface TestRun {
  success: boolean;
  exitCode: number | null;
  output: string;
  error: string;
  passed: TestResults;
}

/** The test command for each app type (§10.11). */
export const TEST_COMMANDS: Record<TargetAppType, [string, string[]]> = {
  rails: ["bundle", ["exec", "rspec"]],
  node: ["npm", ["test"]],
};

/**
 * §10.11's target app runner: `bundle exec rspec` for rails, `npm test` for node, with the
 * RSpec/Jest summary parsed. A failing suite is a result, not an error; a timeout, output cap or
 * a missing binary is reported as `{ success: false, error }` as the original did.
 *
 * @example
 * const runner = createTargetAppRunner({ path: "/cursor", type: "rails", timeoutMs: 600_000, maxOutputBytes: 10_485_760 });
 * await runner.validate();
 * const run = await runner.runTests(); // run.passed.failed === 0 …
 */
export function createTargetAppRunner(options: TargetAppOptions) {
  const appPath = resolve(options.path ?? "../cursor");
  const terminal = createTerminal({ timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes });
  return {
    path: appPath,
    type: options.type,
    async validate(): Promise<void> {
      const exists = await stat(appPath).then(
        (stats) => stats.isDirectory(),
        () => false,
      );
      if (!exists) throw new HttpError(404, `Target application path does not exist: ${appPath}`);
    },
    async runTests(path?: string): Promise<TestRun> {
      const [command, args] = TEST_COMMANDS[options.type];
      try {
        const result = await terminal.run(command, args, { cwd: path ?? appPath, ...(options.env ? { env: options.env } : {}) });
        return {
          success: result.success,
          exitCode: result.exitCode,
          output: result.stdout,
          error: result.stderr,
          passed: extractTestResults(`${result.stdout}\n${result.stderr}`, result.success),
        };
      } catch (error) {
        const message = (error as Error).message;
        return { success: false, exitCode: null, output: "", error: message, passed: extractTestResults("", false) };
      }
    },
  };
}

export type TargetAppRunner = ReturnType<typeof createTargetAppRunner>;
