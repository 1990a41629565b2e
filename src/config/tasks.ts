import { type BuildContext, type EnvValues, flag, int } from "./parse";

/** The task engine: whether this instance processes tasks, how many at once, limits on what a task carries. */
export const tasksEnv = {
  TASK_OPERATOR: flag(true),
  TASK_MAX_CONCURRENT: int("number of tasks processed at once", 0, 1, 1000).optional(),
  TASK_POLL_MS: int("milliseconds between looks for ready tasks", 1000, 10),
  TASK_EVENTS_POLL_MS: int("milliseconds between reads of the task change log", 250, 10),
  TASK_MAX_INTERRUPTIONS: int("times a task interrupted by a crash is retried", 2, 0, 100),
  TASK_MAX_FILES: int("files attached to one task", 10, 0, 100),
  TASK_MAX_FILE_BYTES: int("bytes per attached file", 10 * 1024 * 1024),
  TASK_MAX_BODY_BYTES: int("bytes of a POST /tasks body (files included, as base64)", 32 * 1024 * 1024),
  TASK_MAX_MESSAGES_PER_RUN: int("task messages stored per run", 500),
};

export function tasksConfig(e: EnvValues<typeof tasksEnv>, _ctx: BuildContext, slots: { maxConcurrent: number }) {
  return {
    tasks: {
      /** Fallback for the `task_operator` system setting when it has no row (the setting wins). */
      operatorDefault: e.TASK_OPERATOR,
      maxConcurrent: e.TASK_MAX_CONCURRENT ?? slots.maxConcurrent,
      pollMs: e.TASK_POLL_MS,
      eventsPollMs: e.TASK_EVENTS_POLL_MS,
      maxInterruptions: e.TASK_MAX_INTERRUPTIONS,
      maxFiles: e.TASK_MAX_FILES,
      maxFileBytes: e.TASK_MAX_FILE_BYTES,
      maxBodyBytes: e.TASK_MAX_BODY_BYTES,
      maxMessagesPerRun: e.TASK_MAX_MESSAGES_PER_RUN,
    },
  };
}
