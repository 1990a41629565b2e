// Node-only: the scripted model turns of the end-to-end agent tests (node:path).
import { join } from "node:path";
import type { AnthropicResponder } from "../support/anthropic-server";
import type { ResponsesResponder } from "../support/openai-server";
import type { GeminiResponder } from "./gemini-server";

/**
 * Every script is the same conversation: run a shell command, write notes.txt, say "All done.";
 * a later prompt containing FOLLOWUP is answered with how many tool results the model was sent,
 * which shows whether the CLI really resumed the earlier session.
 */
const followUp = (count: number, what: string) => `Follow-up: I saw ${count} earlier ${what}.`;
const mentionsFollowUp = (value: unknown) => JSON.stringify(value ?? "").includes("FOLLOWUP");

/** Claude Code: Bash, then Write (absolute path, as its tool requires). */
export const claudeScript =
  (repo: string): AnthropicResponder =>
  (request) => {
    const results = (JSON.stringify(request.messages).match(/"type":"tool_result"/g) ?? []).length;
    if (mentionsFollowUp(request.messages.at(-1))) return [{ text: followUp(results, "tool results") }];
    if (results === 0) {
      return [
        { text: "Running a command." },
        { toolUse: { name: "Bash", input: { command: "echo ran > ran.txt", description: "Record the run" } } },
      ];
    }
    if (results === 1)
      return [{ toolUse: { name: "Write", input: { file_path: join(repo, "notes.txt"), content: "hello from claude\n" } } }];
    return [{ text: "All done." }];
  };

const toolOutputs = (input: { type?: string }[]) =>
  input.filter((item) => item.type === "function_call_output" || item.type === "custom_tool_call_output").length;

/** Codex: exec_command, then an apply_patch that adds notes.txt. */
export const codexScript: ResponsesResponder = (request) => {
  const outputs = toolOutputs(request.input);
  if (mentionsFollowUp(request.input.at(-1))) return [{ text: followUp(outputs, "tool outputs") }];
  if (outputs === 0)
    return [{ text: "Running a command." }, { functionCall: { name: "exec_command", arguments: { cmd: "echo ran > ran.txt" } } }];
  if (outputs === 1) {
    return [
      {
        customToolCall: {
          name: "apply_patch",
          input: "*** Begin Patch\n*** Add File: notes.txt\n+hello from codex\n*** End Patch\n",
        },
      },
    ];
  }
  return [{ text: "All done." }];
};

/** opencode: bash, then write; its tool-less side calls (session titles) get a title. */
export const opencodeScript =
  (repo: string): ResponsesResponder =>
  (request) => {
    if (!request.tools?.length) return [{ text: "Scripted title" }];
    const outputs = toolOutputs(request.input);
    if (mentionsFollowUp(request.input.at(-1))) return [{ text: followUp(outputs, "tool outputs") }];
    if (outputs === 0) {
      return [
        { text: "Running a command." },
        { functionCall: { name: "bash", arguments: { command: "echo ran > ran.txt", description: "Record the run" } } },
      ];
    }
    if (outputs === 1)
      return [
        { functionCall: { name: "write", arguments: { filePath: join(repo, "notes.txt"), content: "hello from opencode\n" } } },
      ];
    return [{ text: "All done." }];
  };

/** Gemini CLI: run_shell_command, then write_file. */
export const geminiScript =
  (repo: string): GeminiResponder =>
  (request) => {
    const responses = (JSON.stringify(request.contents).match(/"functionResponse"/g) ?? []).length;
    if (mentionsFollowUp(request.contents.at(-1))) return [{ text: followUp(responses, "tool results") }];
    if (responses === 0) {
      return [
        { text: "Running a command." },
        { functionCall: { name: "run_shell_command", args: { command: "echo ran > ran.txt", description: "Record the run" } } },
      ];
    }
    if (responses === 1)
      return [
        { functionCall: { name: "write_file", args: { file_path: join(repo, "notes.txt"), content: "hello from gemini\n" } } },
      ];
    return [{ text: "All done." }];
  };
