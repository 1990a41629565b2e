import type { DodResult, PushResult, Verdict } from "./types";

/** Prompts of the iterate loop (§6.2, §6.3). The task text is always quoted, never mixed with ours. */

/** §6.2 step 3: the conversation so far, then the request. */
export function withContext(context: string, prompt: string): string {
  return context ? `=== CONVERSATION CONTEXT ===\n${context}\n\n=== CURRENT REQUEST ===\n${prompt}` : prompt;
}

/** §6.2 step 5: sent once when an attempt hung without printing anything. */
export const DIAGNOSTIC_PROMPT = [
  "The previous attempt at this task produced no output and was stopped after hanging.",
  "Find out why it hung: look for tests that never finish, dev servers or watchers left running,",
  "open handles, commands waiting for interactive input, or network calls without a timeout.",
  "Fix the cause so commands finish on their own, then continue the task and summarise what you changed.",
].join("\n");

/** §6.2 step 6: the resume prompt when the reviewer suggests none. */
export const DEFAULT_RESUME_PROMPT =
  "Please resume the task. Continue debugging or resolving the previous issues; if an approach did not work, try a new one.";

/** Bounds on text we quote into a prompt. */
const MAX_OUTPUT_CHARS = 5000;
const tail = (text: string, max = MAX_OUTPUT_CHARS) => (text.length > max ? `…${text.slice(-max)}` : text);

export interface ReviewPromptInput {
  task: string;
  definitionOfDone: string;
  output: string;
  iteration: number;
  maxIterations: number;
  dod?: DodResult;
  push?: PushResult;
}

/**
 * The review agent's instructions (§6.3): judge the attempt against the definition of done and
 * answer with one JSON object only.
 *
 * @example
 * buildReviewPrompt({ task: "Add a README", definitionOfDone: "README.md exists", output: "Created README.md", iteration: 1, maxIterations: 5 });
 */
export function buildReviewPrompt(input: ReviewPromptInput): string {
  const checks: string[] = [];
  if (input.dod) {
    const command = [input.dod.command, ...input.dod.args].join(" ");
    checks.push(
      `The executable definition of done \`${command}\` ${input.dod.passed ? "PASSED (exit 0)" : `FAILED (exit ${input.dod.exitCode ?? "none"}${input.dod.error ? `: ${input.dod.error}` : ""})`}.`,
      quote("Its output ends with", input.dod.output || "(no output)"),
    );
  }
  if (input.push) checks.push(`Git completion check: ${input.push.reason}.`);
  return [
    "You are a review agent. Decide whether a coding agent has finished its task.",
    `This is review ${input.iteration} of at most ${input.maxIterations}.`,
    "",
    quote("TASK", input.task),
    quote("DEFINITION OF DONE", input.definitionOfDone),
    quote("AGENT OUTPUT (last part)", tail(input.output) || "(no output)"),
    ...(checks.length ? ["", ...checks] : []),
    "",
    "Inspect the repository in the current directory if you need to. Then answer with ONLY this JSON object and nothing else:",
    '{"code_complete": <true|false>, "break_iteration": <true|false>, "justification": "<why>", "continuationPrompt": "<next instruction for the agent, when not complete>"}',
    `- code_complete: true only when the definition of done is met${input.dod ? " and the executable check passed." : "."}`,
    "- break_iteration: true when further attempts cannot help: missing permissions, an unfixable problem, the agent waiting for interactive input, or you cannot evaluate the work.",
    "- Deployment warnings (for example a missing MCP server) mean code_complete false and break_iteration false.",
    "- continuationPrompt: one concrete, actionable instruction for the next attempt.",
  ].join("\n");
}

/** The next attempt's prompt: the reviewer's, else ours, plus what the checks said. */
export function continuationPrompt(verdict: Verdict, dod?: DodResult, push?: PushResult): string {
  const parts = [verdict.continuationPrompt ?? DEFAULT_RESUME_PROMPT];
  if (dod && !dod.passed) {
    const command = [dod.command, ...dod.args].join(" ");
    parts.push(quote(`The check \`${command}\` failed (exit ${dod.exitCode ?? "none"}); its output ends with`, dod.output));
  }
  if (push && !push.isComplete) parts.push(`Also commit and push the work: ${push.reason}.`);
  return parts.join("\n\n");
}

/** A labelled block of untrusted text between fences the text cannot close. */
function quote(label: string, text: string): string {
  const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${label}:\n${fence}\n${text}\n${fence}`;
}
