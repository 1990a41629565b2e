// Runtime-neutral: the LLM tool catalogue (B§3.6), built from the same zod schemas as POST /computer-use.
import { type Tool, tool } from "ai";
import { z } from "zod";
import { ACTION_DESCRIPTIONS, type ActionName, actionInputs } from "../desktop/actions";
import { TASK_PRIORITIES, TASK_TYPES } from "../tasks/types";

/** Actions offered to the model as `computer_<action>`; write_file is the scheduler's, not the model's (B§3.3). */
export const AGENT_ACTIONS: readonly ActionName[] = (Object.keys(actionInputs) as ActionName[]).filter(
  (name) => name !== "write_file",
);

/** Extra guidance where Bytebot's tool descriptions carry it (B§3.6). */
const HINTS: Partial<Record<ActionName, string>> = {
  type_text: " Use it for short strings (under 25 characters) and secrets (set isSensitive).",
  paste_text: " Use it for long text and text with special characters.",
  screenshot: " Take one before your first action and whenever the screen may have changed.",
};

export const SetTaskStatusInput = z.object({
  status: z.enum(["completed", "needs_help"], { error: "status must be completed or needs_help" }),
  description: z
    .string({ error: "description is required: what was done, or what help is needed" })
    .min(1, "description must not be empty")
    .max(10_000, "description may be at most 10000 characters"),
});

export const CreateTaskInput = z.object({
  description: z.string({ error: "description is required" }).min(1).max(100_000),
  type: z.enum(TASK_TYPES).optional(),
  scheduledFor: z.iso.datetime({ offset: true, error: "scheduledFor must be an ISO date-time" }).optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
});

export type SetTaskStatusInput = z.infer<typeof SetTaskStatusInput>;
export type CreateTaskInput = z.infer<typeof CreateTaskInput>;

/** Input schema of a tool by its name (`computer_*`, set_task_status, create_task), or undefined. */
export function inputSchemaOf(name: string): z.ZodType | undefined {
  if (name === "set_task_status") return SetTaskStatusInput;
  if (name === "create_task") return CreateTaskInput;
  const action = name.startsWith("computer_") ? (name.slice("computer_".length) as ActionName) : undefined;
  return action && AGENT_ACTIONS.includes(action) ? actionInputs[action] : undefined;
}

/**
 * The tools every provider is given (no `execute`: the loop runs each call itself, one iteration
 * at a time, so it can store, screenshot and stop between calls).
 */
export function agentTools(): Record<string, Tool> {
  const tools: Record<string, Tool> = {};
  for (const action of AGENT_ACTIONS) {
    tools[`computer_${action}`] = tool({
      description: ACTION_DESCRIPTIONS[action] + (HINTS[action] ?? ""),
      inputSchema: actionInputs[action] as z.ZodType<Record<string, unknown>>,
    });
  }
  tools.set_task_status = tool({
    description:
      "Report the task's status: completed when it is fully done (describe the result), needs_help when you cannot go on without the user (say what you need).",
    inputSchema: SetTaskStatusInput,
  });
  tools.create_task = tool({
    description: "Create a new task (now, or SCHEDULED for a date-time) that runs on the same model.",
    inputSchema: CreateTaskInput,
  });
  return tools;
}
