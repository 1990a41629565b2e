// Runtime-neutral: whether a live-desktop viewer may drive a task's desktop right now.
import { HttpError } from "../../http/errors";

/**
 * The takeover guard (src/tasks/user-actions.ts) as a yes/no for the relay: asked at the
 * WebSocket handshake and again before every batch of input, so the moment control goes back to
 * the assistant (on any instance sharing the database) a person's next key or pointer move is
 * refused — the same rule POST /computer-use applies per action. One read per batch: noVNC sends
 * at most ~60 pointer events a second, and a viewer's batches are checked one after another.
 * 404 (no such task) is thrown; 409 (not the user's to drive) is a "no".
 *
 * @example
 * const control = createControlCheck({ guard: (id) => userActions.guard(id) });
 * if (await control.allowed(taskId)) upstream.write(pointerEvent);
 */
export function createControlCheck(options: { guard(taskId: string): Promise<void> }) {
  return {
    async allowed(taskId: string): Promise<boolean> {
      try {
        await options.guard(taskId);
        return true;
      } catch (error) {
        if (error instanceof HttpError && error.status === 409) return false;
        throw error;
      }
    },
  };
}

export type ControlCheck = ReturnType<typeof createControlCheck>;
