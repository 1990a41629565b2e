/**
 * The desktop (`#/desktop`, `#/desktop?taskId=…`): the X display computer use drives, live —
 * view-only, or with control when the chosen task is under the user's control (taken over). Lists
 * the desktop tasks the user has control of, to pick one. The live view falls back to screenshots
 * when there is no VNC server (GET /desktop/status says why).
 */
import { api } from "../api";
import { Empty, ErrorNotice, PageHeader } from "../components/notice";
import { VncView } from "../components/vnc-view";
import { firstLine, shortId } from "../format";
import { useResource, useTitle } from "../hooks";
import { href } from "../router";
import { FINISHED_TASK_STATUSES, type Task } from "../types";
import type { PageModule, RouteProps } from "./page";

const underControl = (task: Task) =>
  task.kind === "desktop" && task.control === "USER" && !FINISHED_TASK_STATUSES.has(task.status);

function Desktop({ query }: RouteProps) {
  useTitle("Desktop");
  const taskId = query.get("taskId") || undefined;
  const status = useResource((signal) => api.desktopStatus(signal), []);
  // Tasks the user could drive the desktop for; refreshed so a takeover elsewhere shows up.
  const tasks = useResource(
    (signal) => api.tasks({ limit: 50, statuses: "PENDING,RUNNING,NEEDS_HELP,NEEDS_REVIEW" }, signal),
    [],
    {
      refreshMs: 5000,
    },
  );
  const chosen = useResource((signal) => (taskId ? api.task(taskId, signal) : Promise.resolve(undefined)), [taskId], {
    refreshMs: taskId ? 3000 : undefined,
  });
  const drivable = (tasks.data?.tasks ?? []).filter(underControl);
  const interactive = chosen.data ? underControl(chosen.data) : false;
  const display = status.data?.desktop;

  return (
    <>
      <PageHeader
        title="Desktop"
        meta={
          display?.available ? (
            <span class="muted">
              Display <code>{display.display}</code> · {display.width}×{display.height}
            </span>
          ) : null
        }
      />
      <div class="desktop-layout">
        <section class="card desktop-main" aria-labelledby="desktop-view-title">
          <h2 id="desktop-view-title" class="visually-hidden">
            Live desktop
          </h2>
          {chosen.error ? <ErrorNotice error={chosen.error} /> : null}
          {chosen.data && !interactive ? (
            <p class="muted small">
              Task <a href={href(`/tasks/${chosen.data.id}`)}>{shortId(chosen.data.id)}</a> is not under your control: take it
              over on its page to use the desktop. Watching only.
            </p>
          ) : null}
          <VncView
            taskId={taskId}
            interactive={interactive}
            label={chosen.data ? `The desktop of task ${shortId(chosen.data.id)}` : "The desktop"}
          />
        </section>
        <aside class="card desktop-side" aria-labelledby="desktop-tasks-title">
          <h2 id="desktop-tasks-title">Your control</h2>
          <p class="muted small">
            The desktop is view-only unless a desktop task is under your control (take it over on the task's page). Choose it here
            to use keyboard and mouse.
          </p>
          {tasks.error ? <ErrorNotice error={tasks.error} /> : null}
          {drivable.length === 0 ? (
            <Empty>No desktop task is under your control.</Empty>
          ) : (
            <ul class="desktop-tasks">
              {drivable.map((task) => (
                <li key={task.id}>
                  <a
                    href={href("/desktop", { taskId: task.id })}
                    aria-current={task.id === taskId ? "true" : undefined}
                    class={task.id === taskId ? "current" : ""}
                  >
                    <span class="mono">{shortId(task.id)}</span> {firstLine(task.description)}
                  </a>
                </li>
              ))}
            </ul>
          )}
          {taskId ? (
            <p>
              <a href={href("/desktop")}>Watch without a task</a>
            </p>
          ) : null}
        </aside>
      </div>
    </>
  );
}

export const desktopPage: PageModule = {
  id: "desktop",
  title: "Desktop",
  path: "/desktop",
  routes: [{ pattern: "/desktop", view: Desktop }],
};
