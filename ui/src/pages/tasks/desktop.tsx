/**
 * A desktop task's live desktop. The task page renders `DesktopPanel` for `kind: "desktop"` tasks
 * only, above the chat: the live view (noVNC through the runner's relay, or screenshots when there
 * is none), view-only unless the user has control — which the server enforces as well. A finished
 * task shows no desktop: what is on the screen now is no longer its.
 */
import type { FunctionComponent } from "preact";
import { VncView } from "../../components/vnc-view";
import { shortId } from "../../format";
import { FINISHED_TASK_STATUSES, type Task } from "../../types";

export interface DesktopPanelProps {
  task: Task;
  /** True while the user may drive the desktop (control USER, task not finished). */
  interactive: boolean;
}

export type DesktopPanelComponent = FunctionComponent<DesktopPanelProps>;

export const DesktopPanel: DesktopPanelComponent = ({ task, interactive }) => (
  <section class="card desktop-slot" aria-labelledby="desktop-title">
    <h2 id="desktop-title">Desktop</h2>
    {FINISHED_TASK_STATUSES.has(task.status) ? (
      <p class="muted small">This was a desktop task. A replay of its desktop is not part of this page yet.</p>
    ) : (
      <>
        <p class="muted small">
          {interactive
            ? "You have control: what you do here goes to the desktop. Press Resume to give it back to the assistant."
            : "The assistant's desktop, view only. Take over to use it yourself."}
        </p>
        <VncView taskId={task.id} interactive={interactive} label={`The desktop of task ${shortId(task.id)}`} />
      </>
    )}
  </section>
);

/** Whether the desktop panel is drivable by the user for this task. */
export const desktopInteractive = (task: Task) => task.control === "USER" && !FINISHED_TASK_STATUSES.has(task.status);
