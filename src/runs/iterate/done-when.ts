import type { Terminal } from "../../repos/terminal";
import type { DodResult, DoneWhen } from "./types";

/** How much of the check's output is kept (its end, where test runners summarise). */
const MAX_OUTPUT_CHARS = 4000;

/**
 * Runs the executable definition of done in the repository through the terminal service (no
 * shell, TERMINAL_* allow/deny lists, a timeout that also respects the loop's budget). Exit 0 is
 * a pass; a timeout, a refused command or a spawn failure is a failure with its reason.
 *
 * @example
 * const result = await runDoneWhen(terminal, repoDir, { command: "npm", args: ["test"] }, 60_000);
 * if (!result.passed) console.log(result.output);
 */
export async function runDoneWhen(terminal: Terminal, cwd: string, check: DoneWhen, timeoutMs: number): Promise<DodResult> {
  const base = { command: check.command, args: check.args };
  try {
    const result = await terminal.run(check.command, check.args, { cwd, timeoutMs });
    const output = [result.stdout, result.stderr].filter(Boolean).join("\n");
    return {
      ...base,
      passed: result.exitCode === 0,
      exitCode: result.exitCode,
      output: output.length > MAX_OUTPUT_CHARS ? `…${output.slice(-MAX_OUTPUT_CHARS)}` : output,
    };
  } catch (error) {
    return { ...base, passed: false, exitCode: null, output: "", error: (error as Error).message };
  }
}
