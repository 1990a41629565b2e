// Runtime-neutral: whether a live-desktop viewer may drive a task's desktop right now.
import { HttpError } from "../../http/errors";

type Unsubscribe = () => void;

export interface ControlCheckOptions {
  /** The takeover guard (src/tasks/user-actions.ts): throws 404 for an unknown task, 409 unless it is under USER control. */
  guard(taskId: string): Promise<void>;
  /** The task change log: any change to a task makes its next check ask the guard again. */
  subscribe?(listener: (event: { taskId: string }) => void): Unsubscribe;
  /** How long an answer may be reused without a change being seen (changes made by another instance). */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The takeover guard, answered for a stream of pointer moves: noVNC sends up to ~60 pointer
 * events a second, and asking the database for each would be wasted work, so an answer is kept
 * until the task changes (this instance's change log says so at once) or `ttlMs` passes (a change
 * written by another instance sharing the database). 404 (no such task) is thrown; 409 is a "no".
 *
 * @example
 * const control = createControlCheck({ guard: userActions.guard, subscribe: taskEngine.realtime.subscribe });
 * if (await control.allowed(taskId)) upstream.write(pointerEvent);
 */
export function createControlCheck(options: ControlCheckOptions) {
  const ttlMs = options.ttlMs ?? 1000;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { allowed: boolean; at: number }>();
  let unsubscribe: Unsubscribe | undefined;

  const listen = () => {
    unsubscribe ??= options.subscribe?.((event) => answers.delete(event.taskId));
  };

  return {
    async allowed(taskId: string): Promise<boolean> {
      listen();
      const known = answers.get(taskId);
      if (known && now() - known.at < ttlMs) return known.allowed;
      let allowed: boolean;
      try {
        await options.guard(taskId);
        allowed = true;
      } catch (error) {
        if (error instanceof HttpError && error.status === 409) allowed = false;
        else throw error;
      }
      // Bounded: only tasks with a viewer are asked about; forget the oldest past a few hundred.
      if (answers.size > 256) answers.delete(answers.keys().next().value as string);
      answers.set(taskId, { allowed, at: now() });
      return allowed;
    },
    close() {
      unsubscribe?.();
      unsubscribe = undefined;
      answers.clear();
    },
  };
}

export type ControlCheck = ReturnType<typeof createControlCheck>;
