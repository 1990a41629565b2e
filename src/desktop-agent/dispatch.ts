// Runtime-neutral: the tool calls of one model reply, run one after another (B§3.2 step 8).
import type { CreateTaskInput } from "../tasks/service";
import type { ContentBlock, TaskRecord } from "../tasks/types";
import { type ActionDeps, parseInput, runComputerTool } from "./actions";
import type { CreateTaskInput as CreateTaskTool, SetTaskStatusInput } from "./tools";

type ToolResult = Extract<ContentBlock, { type: "tool_result" }>;
export type ToolUse = Extract<ContentBlock, { type: "tool_use" }>;

export interface DispatchDeps extends ActionDeps {
  /** create_task: a new task (the task service's create). */
  createTask(input: CreateTaskInput): Promise<TaskRecord>;
}

const textResult = (id: string, text: string, isError = false): ToolResult => ({
  type: "tool_result",
  tool_use_id: id,
  content: [{ type: "text", text }],
  ...(isError ? { is_error: true } : {}),
});

/**
 * Runs each call in order and answers every one (Bytebot left unknown tools unanswered, which broke
 * the next provider call): computer_* through the desktop, set_task_status remembered (applied by the
 * loop after the results are stored), create_task as a new ASSISTANT task on the same model. Stops
 * starting calls once `signal` aborts; the calls not run are answered "interrupted" on replay.
 */
export async function runToolCalls(
  deps: DispatchDeps,
  task: TaskRecord,
  uses: ToolUse[],
  signal: AbortSignal,
): Promise<{ results: ToolResult[]; status: SetTaskStatusInput | undefined }> {
  const results: ToolResult[] = [];
  let status: SetTaskStatusInput | undefined;
  for (const use of uses) {
    if (signal.aborted) break;
    if (use.name.startsWith("computer_")) {
      results.push(await runComputerTool(deps, use, signal));
      continue;
    }
    const parsed = parseInput(use.name, use.input);
    if (!parsed.ok) {
      results.push(textResult(use.id, parsed.error, true));
    } else if (use.name === "set_task_status") {
      status = parsed.value as SetTaskStatusInput;
      results.push(textResult(use.id, status.description));
    } else {
      const input = parsed.value as CreateTaskTool;
      try {
        const created = await deps.createTask({
          description: input.description,
          type: input.type,
          scheduledFor: input.scheduledFor,
          priority: input.priority,
          createdBy: "ASSISTANT",
          model: task.model ?? undefined,
          kind: "desktop",
        });
        results.push(textResult(use.id, `The task has been created (id ${created.id})`));
      } catch (error) {
        results.push(textResult(use.id, `Could not create the task: ${(error as Error).message}`, true));
      }
    }
  }
  return { results, status };
}
