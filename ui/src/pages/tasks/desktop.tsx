/**
 * The slot for a desktop task's live desktop. The task page renders `DesktopPanel` for
 * `kind: "desktop"` tasks only, above the chat; the live view (VNC, view-only unless the user has
 * control) replaces this placeholder, which shows no picture of a desktop — there is none yet.
 */
import type { FunctionComponent } from "preact";
import { FINISHED_TASK_STATUSES, type Task } from "../../types";

export interface DesktopPanelProps {
  task: Task;
  /** True while the user may drive the desktop (control USER, task not finished). */
  interactive: boolean;
}

export type DesktopPanelComponent = FunctionComponent<DesktopPanelProps>;

/** What a desktop task shows until the live desktop view exists. */
export const DesktopPanel: DesktopPanelComponent = ({ task }) => (
  <section class="card desktop-slot" aria-labelledby="desktop-title">
    <h2 id="desktop-title">Desktop</h2>
    <p class="muted small">
      {FINISHED_TASK_STATUSES.has(task.status)
        ? "This was a desktop task. A replay of its desktop is not part of this page yet."
        : "This is a desktop task. The live view of its desktop is not part of this page yet; its messages are below."}
    </p>
  </section>
);

/** Whether the desktop panel is drivable by the user for this task. */
export const desktopInteractive = (task: Task) => task.control === "USER" && !FINISHED_TASK_STATUSES.has(task.status);
