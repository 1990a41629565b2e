import type { PageModule, RouteProps } from "./page";
import { DesktopPanel } from "./tasks/desktop";
import { TaskView } from "./tasks/detail";
import { TaskList } from "./tasks/list";

/** A task's page, with the desktop panel in its slot (shown for desktop tasks only). */
const TaskPage = (props: RouteProps) => <TaskView {...props} desktopPanel={DesktopPanel} />;

/**
 * The task engine's pages (README, Tasks): the list with its tabs and the create form, and one
 * task with its chat and controls. The first page of the navigation: `/` opens it.
 */
export const tasksPage: PageModule = {
  id: "tasks",
  title: "Tasks",
  path: "/tasks",
  routes: [
    { pattern: "/tasks", view: TaskList },
    { pattern: "/tasks/:id", view: TaskPage },
  ],
};
