import { encodeBase64 } from "./files";
import type { TaskFile, TaskRecord } from "./types";

export const taskEventsUrl = (id: string) => `/tasks/${id}/events`;

/**
 * A task as the API shows it: Bytebot's fields (§1.1) and ours, without internals (the callback's
 * secret, the lease).
 */
export function publicTask(task: TaskRecord) {
  const { callbackSecret: _secret, claimedBy: _holder, heartbeatAt: _lease, ...visible } = task;
  return { ...visible, eventsUrl: taskEventsUrl(task.id) };
}

/** An attached file with its bytes as base64 (§1.4: `GET /tasks/:id` includes them). */
export const publicFile = (file: TaskFile) => ({
  id: file.id,
  name: file.name,
  type: file.type,
  size: file.size,
  data: encodeBase64(file.data),
  createdAt: file.createdAt,
});

export type PublicTask = ReturnType<typeof publicTask>;
