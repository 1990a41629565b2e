import type { ActionRecord } from "../desktop/service";
import { HttpError } from "../http/errors";
import type { TaskMessages } from "./messages";
import type { TaskStore } from "./store";
import type { TaskEventLog } from "./task-events";
import { type ContentBlock, TERMINAL_STATUSES } from "./types";

/** What of an action's input goes into the message: file bytes are left out, sensitive text masked. */
function recordedInput(action: ActionRecord["action"]): Record<string, unknown> {
  const { action: _name, ...input } = action as Record<string, unknown> & { action: string };
  if (typeof input.data === "string") input.data = `[${Math.floor((input.data.length * 3) / 4)} bytes]`;
  if (input.isSensitive === true && typeof input.text === "string") input.text = "●".repeat(input.text.length);
  return input;
}

/**
 * Takeover recording (spec/bytebot.md §3.9) for desktop actions sent through our API with a
 * `taskId`: while the task is under the user's control each successful action is stored as a USER
 * message `[user_action {content: [tool_use computer_<action>, image?]}]` (the processed view shows
 * it as "you took control"), so the assistant, resumed, knows what the person did. An action for a
 * task under the assistant's control is refused before it runs — a person and the agent never
 * drive one task's desktop at once.
 */
export function createUserActionRecorder(deps: { store: TaskStore; messages: TaskMessages; events: TaskEventLog }) {
  return {
    /** Before an action with a taskId: 404 for an unknown task, 409 unless the user has control. */
    async guard(taskId: string): Promise<void> {
      const task = await deps.store.get(taskId);
      if (!task) throw new HttpError(404, `Task with ID ${taskId} not found`);
      if (TERMINAL_STATUSES.has(task.status)) {
        throw new HttpError(409, `Task ${taskId} is already completed, failed, or cancelled; its desktop is not yours to drive`);
      }
      if (task.control !== "USER") {
        throw new HttpError(
          409,
          `Task ${taskId} is under the assistant's control: take it over (POST /tasks/${taskId}/takeover) first`,
        );
      }
    },

    /** After an action: records it on its task when it succeeded and the user (still) has control. */
    async record(entry: ActionRecord): Promise<void> {
      if (!entry.taskId || !entry.result) return;
      const task = await deps.store.get(entry.taskId);
      if (task?.control !== "USER") return;
      const content: ContentBlock[] = [
        {
          type: "tool_use",
          id: crypto.randomUUID(),
          name: `computer_${entry.action.action}`,
          input: recordedInput(entry.action),
        },
      ];
      const image = (entry.result as { image?: unknown }).image;
      if (typeof image === "string")
        content.push({ type: "image", source: { type: "base64", media_type: "image/png", data: image } });
      await deps.messages.add(task.id, "USER", [{ type: "user_action", content }]);
      deps.events.kick();
    },
  };
}

export type UserActionRecorder = ReturnType<typeof createUserActionRecorder>;
